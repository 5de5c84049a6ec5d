import type { PartLogger } from './part-logger.js';
import { FetchError } from '../errors.js';
import { normalizeRobotsPath, parseRobotsTxt } from './robots-rules.js';
import type { RobotsGroup } from './robots-rules.js';

/** How much of a robots.txt is read: RFC 9309 2.5 asks crawlers to parse at least 500 KiB and lets them stop there. */
export const ROBOTS_MAX_BYTES = 500 * 1024;

/**
 * The text of a robots.txt body; a body cut at {@link ROBOTS_MAX_BYTES} loses its last, partial line (a cut
 * `Disallow: /private` would read `Disallow: /`, and a cut UTF-8 sequence would not decode). Pure.
 */
export function wholeLines(body: Buffer, truncated: boolean): string {
  if (!truncated) return body.toString('utf8');
  const end = Math.max(body.lastIndexOf(0x0a), body.lastIndexOf(0x0d));
  return body.subarray(0, end + 1).toString('utf8');
}

/** What loading a robots.txt gave: a status and text, or a network failure. */
export type RobotsResponse = { status: number; body: string } | { error: Error };

/** Rules of one origin, as the crawl applies them. */
export interface RobotsRules {
  /** How the rules were obtained: `parsed` (2xx), `allow-all` (4xx), `disallow-all` (5xx, 429 or unreachable). */
  readonly kind: 'parsed' | 'allow-all' | 'disallow-all';
  /** Whether our agents may fetch a URL of this origin (URLs of other origins are not this file's business). */
  isAllowed(url: string | URL): boolean;
  /** Crawl-delay for our agents, in ms, when the file sets one. */
  readonly crawlDelayMs: number | undefined;
  /** Sitemap URLs the file lists, resolved against its URL (http(s) only, each once). */
  readonly sitemaps: readonly string[];
  /**
   * For `disallow-all`: the `robots-unreachable` error recorded for every URL of the origin the crawl was about to
   * fetch, its `cause` the failure (`dns`, `connect`, `timeout`, `http-503`, ...). `undefined` otherwise.
   */
  readonly unreachable: FetchError | undefined;
}

/** `Sitemap:` values resolved against the robots.txt URL: http(s) URLs only, each once, in file order. Pure. */
function resolveSitemaps(values: readonly string[], robotsUrl: string): string[] {
  const found = new Set<string>();
  for (const value of values) {
    const url = URL.parse(value.trim(), robotsUrl);
    if (url && (url.protocol === 'http:' || url.protocol === 'https:')) found.add(url.href);
  }
  return [...found];
}

/** The `Sitemap:` lines of a robots.txt (RFC 9309 2.2.4), resolved against its URL, each once, in order. Pure. */
export function sitemapsFromRobots(robotsTxt: string, robotsUrl: string): string[] {
  return resolveSitemaps(parseRobotsTxt(robotsTxt).sitemaps, robotsUrl);
}

/** The product token robots.txt groups are matched on: `MyBot/1.2 (+url)` -> `mybot`. */
export function productToken(userAgent: string): string {
  return (userAgent.trim().split(/[\s/]/, 1)[0] ?? '').toLowerCase();
}

/** The error that stands for an origin whose robots.txt could not be had (network failure, 5xx or 429). */
function unreachableError(robotsUrl: string, response: RobotsResponse): FetchError {
  const cause =
    'error' in response
      ? response.error instanceof FetchError
        ? response.error
        : new FetchError('network', response.error.message, { cause: response.error })
      : new FetchError(`http-${response.status}`, `HTTP ${response.status}`);
  return new FetchError('robots-unreachable', `${robotsUrl} could not be fetched (${cause.message}): RFC 9309 forbids crawling the origin`, { cause });
}

/**
 * Turns a robots.txt answer into rules (RFC 9309 2.3.1): 2xx is parsed; 4xx ("unavailable") allows everything; 5xx,
 * 429 and network failure ("unreachable") disallow the whole origin for this run. The groups that apply are those
 * naming one of our agent tokens (every such group must allow a URL, and the longest Crawl-delay among them counts);
 * when none is named, the `*` group applies (RFC 9309 2.2.1). `/robots.txt` itself is always allowed. Pure.
 */
export function rulesFrom(robotsUrl: string, response: RobotsResponse, agentTokens: readonly string[]): RobotsRules {
  if ('error' in response || response.status === 429 || response.status >= 500)
    return { kind: 'disallow-all', isAllowed: () => false, crawlDelayMs: undefined, sitemaps: [], unreachable: unreachableError(robotsUrl, response) };
  if (response.status >= 300) return { kind: 'allow-all', isAllowed: () => true, crawlDelayMs: undefined, sitemaps: [], unreachable: undefined };
  const parsed = parseRobotsTxt(response.body);
  const specific = agentTokens.filter((token) => parsed.groups.has(token));
  const applied = specific.length > 0 ? specific : ['*'];
  const groups = applied.map((token) => parsed.groups.get(token)).filter((group): group is RobotsGroup => group !== undefined);
  const delays = applied.map((token) => parsed.crawlDelays.get(token)).filter((delay): delay is number => delay !== undefined && delay > 0);
  const origin = new URL(robotsUrl).origin;
  return {
    kind: 'parsed',
    isAllowed: (url) => {
      const parsedUrl = typeof url === 'string' ? new URL(url) : url;
      if (parsedUrl.origin !== origin || parsedUrl.pathname === '/robots.txt') return true;
      const path = normalizeRobotsPath(parsedUrl.pathname + parsedUrl.search, true);
      return groups.every((group) => group.isAllowed(path));
    },
    crawlDelayMs: delays.length > 0 ? Math.max(...delays) * 1000 : undefined,
    sitemaps: resolveSitemaps(parsed.sitemaps, robotsUrl),
    unreachable: undefined,
  };
}

/** What the cache needs from the crawl. */
export interface RobotsCacheOptions {
  /** Loads robots.txt (through the limiter, following redirects); never throws, failure is `{ error }`. */
  load(robotsUrl: string): Promise<RobotsResponse>;
  /** The User-Agent header; its product token is obeyed as well as `sitecrawl`. */
  userAgent: string;
  logger: PartLogger;
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
    return (await this.rulesFor(url.origin)).isAllowed(url);
  }

  /**
   * Why the URL may not be fetched, or `undefined` when it may: `robots-disallowed` (a rule forbids it),
   * `robots-unreachable` (robots.txt could not be had, so the whole origin is off limits; its `cause` says why),
   * `blocked-address` (`denyPrivateAddresses` refused the origin's address), or `aborted` (the crawl stopped while robots.txt was loading). Loads the file on first use per origin.
   */
  async refusal(url: URL): Promise<FetchError | undefined> {
    const rules = await this.rulesFor(url.origin);
    // A load cut short by the crawl's stop says nothing about the site: the URL is one the stop left unfetched.
    const cause = rules.unreachable?.cause;
    if (cause instanceof FetchError && cause.code === 'aborted') return cause;
    // Our own guard refused to connect (denyPrivateAddresses): the origin itself is blocked, not unreachable.
    if (cause instanceof FetchError && cause.code === 'blocked-address') return new FetchError('blocked-address', `robots.txt: ${cause.message}`, { cause });
    if (rules.unreachable) return rules.unreachable;
    return rules.isAllowed(url) ? undefined : new FetchError('robots-disallowed', 'Disallowed by robots.txt');
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
