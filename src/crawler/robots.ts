import robotsParserModule from 'robots-parser';
import type { Logger } from 'pino';

/** The part of robots-parser's Robot that sitecrawl uses. */
interface ParsedRobots {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
  getSitemaps(): string[];
}
// robots-parser is CommonJS whose module.exports is the function; its typings describe an ES default export.
const robotsParser = robotsParserModule as unknown as (url: string, contents: string) => ParsedRobots;

/** What loading a robots.txt gave: a status and text, or a network failure. */
export type RobotsResponse = { status: number; body: string } | { error: Error };

/** Rules of one origin, as the crawl applies them. */
export interface RobotsRules {
  /** How the rules were obtained: `parsed` (2xx), `allow-all` (4xx), `disallow-all` (5xx or unreachable). */
  readonly kind: 'parsed' | 'allow-all' | 'disallow-all';
  isAllowed(url: string): boolean;
  /** Crawl-delay for our agents, in ms, when the file sets one. */
  readonly crawlDelayMs: number | undefined;
  /** Sitemap URLs the file lists. */
  readonly sitemaps: readonly string[];
}

/** The product token robots.txt groups are matched on: `MyBot/1.2 (+url)` -> `mybot`. */
export function productToken(userAgent: string): string {
  return (userAgent.trim().split(/[\s/]/, 1)[0] ?? '').toLowerCase();
}

/** Product tokens that have a group of their own in a robots.txt (`*` excluded). */
function namedAgents(body: string): Set<string> {
  const agents = new Set<string>();
  for (const match of body.matchAll(/^\s*user-agent\s*:\s*([^#\r\n]*)/gim)) {
    const token = productToken(match[1] ?? '');
    if (token && token !== '*') agents.add(token);
  }
  return agents;
}

/**
 * Turns a robots.txt answer into rules (RFC 9309 2.3.1): 2xx is parsed; 4xx ("unavailable") allows everything; 5xx,
 * 429 and network failure ("unreachable") disallow the whole origin for this run. The groups that apply are those
 * naming one of our agent tokens (every such group must allow a URL, and the longest Crawl-delay among them counts);
 * when none is named, the `*` group applies (RFC 9309 2.2.1). Pure.
 */
export function rulesFrom(robotsUrl: string, response: RobotsResponse, agentTokens: readonly string[]): RobotsRules {
  if ('error' in response || response.status === 429 || response.status >= 500)
    return { kind: 'disallow-all', isAllowed: () => false, crawlDelayMs: undefined, sitemaps: [] };
  if (response.status >= 300) return { kind: 'allow-all', isAllowed: () => true, crawlDelayMs: undefined, sitemaps: [] };
  const robot = robotsParser(robotsUrl, response.body);
  const named = namedAgents(response.body);
  const specific = agentTokens.filter((token) => named.has(token));
  const applied = specific.length > 0 ? specific : agentTokens.slice(0, 1);
  const delays = applied.map((token) => robot.getCrawlDelay(token)).filter((delay): delay is number => typeof delay === 'number' && delay > 0);
  return {
    kind: 'parsed',
    // robots-parser answers undefined for URLs of another origin; those are not this file's business.
    isAllowed: (url) => applied.every((token) => robot.isAllowed(url, token) !== false),
    crawlDelayMs: delays.length > 0 ? Math.max(...delays) * 1000 : undefined,
    sitemaps: robot.getSitemaps(),
  };
}

/** What the cache needs from the crawl. */
export interface RobotsCacheOptions {
  /** Loads robots.txt (through the limiter, following redirects); never throws, failure is `{ error }`. */
  load(robotsUrl: string): Promise<RobotsResponse>;
  /** The User-Agent header; its product token is obeyed as well as `sitecrawl`. */
  userAgent: string;
  logger: Logger;
  /** Told once per origin whose robots.txt sets a Crawl-delay. */
  onCrawlDelay(host: string, delayMs: number): void;
}

// A Crawl-delay above this would stall the crawl; it is capped and logged.
const MAX_CRAWL_DELAY_MS = 30_000;

/** Fetches robots.txt once per origin (concurrent callers share the one request) and answers allow/disallow. */
export class RobotsCache {
  readonly #rules = new Map<string, Promise<RobotsRules>>();
  readonly #options: RobotsCacheOptions;
  readonly #tokens: string[];

  constructor(options: RobotsCacheOptions) {
    this.#options = options;
    this.#tokens = [...new Set(['sitecrawl', productToken(options.userAgent)])].filter(Boolean);
  }

  /** Whether robots.txt of the URL's origin lets our agents fetch it. Loads the file on first use per origin. */
  async isAllowed(url: URL): Promise<boolean> {
    return (await this.rulesFor(url.origin)).isAllowed(url.href);
  }

  /** The rules of one origin, loading them on first use. */
  rulesFor(origin: string): Promise<RobotsRules> {
    let rules = this.#rules.get(origin);
    if (!rules) {
      rules = this.#load(origin);
      this.#rules.set(origin, rules);
    }
    return rules;
  }

  async #load(origin: string): Promise<RobotsRules> {
    const robotsUrl = `${origin}/robots.txt`;
    const response = await this.#options.load(robotsUrl);
    const rules = rulesFrom(robotsUrl, response, this.#tokens);
    const log = this.#options.logger;
    if ('error' in response) log.warn({ origin, err: response.error.message }, 'robots.txt unreachable: origin disallowed for this run');
    else if (rules.kind === 'disallow-all') log.warn({ origin, status: response.status }, 'robots.txt answered an error: origin disallowed for this run');
    else if (rules.kind === 'allow-all') log.info({ origin, status: response.status }, 'robots.txt unavailable: everything allowed');
    if (rules.crawlDelayMs !== undefined) {
      const delayMs = Math.min(rules.crawlDelayMs, MAX_CRAWL_DELAY_MS);
      if (delayMs < rules.crawlDelayMs) log.warn({ origin, crawlDelayMs: rules.crawlDelayMs, usedMs: delayMs }, 'Crawl-delay capped');
      this.#options.onCrawlDelay(new URL(origin).host, delayMs);
    }
    return rules;
  }
}
