import type { Logger } from 'pino';
import type { Awaitable, FoundLink } from '../extractors/extractor.js';
import type { Page } from '../extractors/page.js';
import type { RunCounters } from '../storage/counters.js';
import type { CrawlRequest, FrontierStore } from '../storage/frontier-store.js';
import type { SeenSet } from '../storage/seen-set.js';
import { filterLinks } from './link-filter.js';
import type { LinkRules } from './link-filter.js';
import type { SkipReason } from './page-record.js';
import type { RobotsCache } from './robots.js';
import { detectTrap } from './traps.js';

/** What admission needs: the rules, the stores, the hook, and where to count. */
export interface AdmissionOptions {
  rules: LinkRules;
  maxDepth: number;
  seen: SeenSet;
  frontier: FrontierStore;
  /** Adds requests to the seen-set and queues the new ones in one atomic step (a shared store); returns those queued. */
  admit?: ((requests: CrawlRequest[]) => Promise<CrawlRequest[]>) | undefined;
  robots: RobotsCache | undefined;
  counters: RunCounters;
  logger: Logger;
  shouldEnqueue: (link: FoundLink, page: Page) => Awaitable<boolean>;
  /** Told how many requests were queued. */
  onQueued: (count: number) => void;
}

/**
 * Decides which discovered URLs enter the frontier: the link rules, then the seen-set and the `shouldEnqueue` hook.
 * Admissions run one after another, so the seen-set check, the hook and the add always see a consistent set; a URL
 * enters the seen-set when it is discovered, so the first (shortest) depth wins.
 */
export class LinkAdmission {
  readonly #options: AdmissionOptions;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: AdmissionOptions) {
    this.#options = options;
  }

  /**
   * Admits the links found on `page` into the frontier at depth + 1.
   * @returns the number of distinct in-scope links on the page.
   */
  async admit(links: readonly FoundLink[], page: Page): Promise<number> {
    if (links.length === 0) return 0;
    const options = this.#options;
    // Extractors return absolute URLs; a custom parse() may return relative ones, which resolve like the page's own.
    const base = page.isHtml ? page.baseUrl : page.finalUrl;
    const filtered = filterLinks(links, options.rules, page.depth < options.maxDepth, base);
    for (const [reason, count] of filtered.skipped) options.counters.increment(`skip.${reason}`, count);
    if (filtered.candidates.length === 0) return filtered.inScope;
    const admission = this.#queue.then(async () => {
      const candidates = filtered.candidates;
      const known = await options.seen.has(candidates.map((candidate) => candidate.url));
      const accepted: string[] = [];
      for (const [index, candidate] of candidates.entries()) {
        if (known[index]) options.counters.increment('skip.seen');
        else if (await this.#askShouldEnqueue({ ...candidate.link, url: candidate.url }, page)) accepted.push(candidate.url);
        else this.#skip('filtered', candidate.url);
      }
      let requests: CrawlRequest[] = accepted.map((url) => ({ url, depth: page.depth + 1, parent: page.url }));
      if (options.admit) requests = await options.admit(requests);
      else {
        const added = await options.seen.add(accepted);
        requests = requests.filter((_, index) => added[index]);
        await options.frontier.push(requests);
      }
      if (accepted.length > requests.length) options.counters.increment('skip.seen', accepted.length - requests.length);
      options.onQueued(requests.length);
    });
    this.#queue = admission.catch(() => undefined);
    await admission;
    return filtered.inScope;
  }

  /**
   * Admits URLs that join the start URLs (a sitemap's entries) at depth 0: the link rules (scheme, traps, scope,
   * include/exclude) and the seen-set apply, as to links; `shouldEnqueue` does not, as it does not to start URLs.
   * @returns the number of requests queued.
   */
  async admitSeeds(urls: readonly string[]): Promise<number> {
    const options = this.#options;
    const filtered = filterLinks(urls.map((url) => ({ url })), options.rules, true);
    for (const [reason, count] of filtered.skipped) options.counters.increment(`skip.${reason}`, count);
    if (filtered.candidates.length === 0) return 0;
    const admission = this.#queue.then(async () => {
      const candidates = filtered.candidates.map((candidate) => candidate.url);
      let requests: CrawlRequest[];
      // A shared store admits in one step: seeds admitted again by a worker taking over the reading are no-ops.
      if (options.admit) requests = await options.admit(candidates.map((url) => ({ url, depth: 0, parent: null })));
      else {
        const added = await options.seen.add(candidates);
        requests = candidates.filter((_, index) => added[index]).map((url) => ({ url, depth: 0, parent: null }));
        await options.frontier.push(requests);
      }
      if (candidates.length > requests.length) options.counters.increment('skip.seen', candidates.length - requests.length);
      options.onQueued(requests.length);
      return requests.length;
    });
    this.#queue = admission.then(() => undefined, () => undefined);
    return admission;
  }

  /**
   * Whether a redirect to the normalized `url` may be followed as part of the crawl: not a trap, in scope, allowed by
   * robots.txt, and new to the seen-set (which it then enters). Returns why not, or `undefined` to follow.
   */
  async acceptRedirect(url: string): Promise<SkipReason | undefined> {
    const options = this.#options;
    const parsed = new URL(url);
    const trap = detectTrap(url, parsed.pathname, options.rules.maxUrlLength, options.rules.maxRepeatedSegments);
    if (trap) return trap;
    if (!options.rules.inScope(parsed)) return 'scope';
    if (options.robots && !(await options.robots.isAllowed(parsed))) return 'robots';
    const [added] = await options.seen.add([url]);
    return added ? undefined : 'seen';
  }

  async #askShouldEnqueue(link: FoundLink, page: Page): Promise<boolean> {
    try {
      return Boolean(await this.#options.shouldEnqueue(link, page));
    } catch (error) {
      this.#options.logger.warn({ url: link.url, err: error }, 'shouldEnqueue threw; link not enqueued');
      return false;
    }
  }

  #skip(reason: SkipReason, url: string): void {
    this.#options.counters.increment(`skip.${reason}`);
    this.#options.logger.debug({ url, reason }, 'skipped');
  }
}
