import PQueue from 'p-queue';
import { parseDocument } from '../extractors/parse-document.js';
import { decodeHtml } from '../crawler/charset.js';
import { collectAnchors } from '../extractors/anchors.js';
import { LINK_CHECK_KIND } from '../extractors/audit.js';
import type { DownloadRequest } from '../extractors/extractor.js';
import type { DownloadSource, FetchOutcome, Saver, SaverContext } from '../extractors/saver.js';
import type { SeenSet } from '../storage/seen-set.js';
import type { LinkTarget } from './link-scope.js';
import { linkVerdict, refusesHead, shouldRetryWithGet } from './outcome-rules.js';
import type { Hop } from './outcome-rules.js';
import { loadSitemaps } from '../crawler/sitemap-loader.js';
import type { SitemapEntry, SitemapScan } from '../crawler/sitemap-loader.js';

/** What the link checker found for one URL. */
export interface CheckResult {
  /** The normalized URL checked. */
  url: string;
  finalUrl: string;
  /** Status of the last answer; `null` when none came. */
  status: number | null;
  /** Media type of the last answer. */
  contentType: string | null;
  /** Redirects followed, in order. */
  redirects: Hop[];
  error: { code: string; message: string } | null;
  /** The request that gave the answer kept (HEAD, or GET when HEAD was refused, failed or skipped). */
  method: 'HEAD' | 'GET';
  /** Ids and named anchors of an HTML answer read for fragment checks; `null` when not read. */
  anchors: string[] | null;
}

/** What the checker is told by the audit. */
export interface LinkCheckerOptions {
  /** Normalizes a URL and sorts it into internal, external or excluded. */
  classify: (url: string) => LinkTarget | null;
  /** The crawl's seen-set: a URL the checker adds is one the crawl will not fetch, and the other way round. */
  seen: SeenSet;
  /** The crawl's maxDepth: once pages of that depth are parsed, the crawl admits no new URL. */
  maxDepth: number;
  /** Check external URLs. */
  external: boolean;
  /** Counted as broken (in progress) by this rule. */
  strict: boolean;
  /** Read HTML answers of document links (GET) and keep their anchors, for fragment checks. */
  readAnchors: boolean;
  /** Whether the crawl fetched a URL (a page record has it as URL or final URL). */
  isFetched: (url: string) => boolean;
  /**
   * Checks in progress at once (each may take a HEAD, a GET and redirect hops, every request also waiting for the
   * crawl's limits). A persisted run also holds each in one of its work slots (`SaverState.inProgress`), which bound
   * the checks and pages half done at a stop together. @default Infinity
   */
  maxChecks?: number;
  /** Sitemaps to read while the crawl runs; their URLs are checked too. */
  sitemaps?: { urls: readonly string[]; discoverOrigins: readonly string[] };
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const readNothing = () => false;
const readHtml = (status: number, type: string) => status >= 200 && status < 300 && HTML_TYPES.has(type);

/**
 * Checks the references the crawl itself does not fetch, each URL once per run however many pages point to it:
 * subresources (images, scripts, stylesheets, media), links beyond the maximum depth or not followed (nofollow,
 * robots.txt), sitemap entries the links never reached, and, with `external`, links out of scope (never followed).
 * A URL is the checker's only when it wins the crawl's seen-set; links the crawl may still follow wait until it can
 * no longer admit them. HEAD first; GET when HEAD is refused (405/501, then for the whole host), or answers an error
 * (many servers lie to HEAD: a host where GET then succeeds gets GET from then on). Every request goes through the
 * crawl's fetch: limiter, per-host politeness, robots.txt, retries, timeouts.
 */
export class LinkChecker implements Saver {
  readonly name = 'links';
  readonly kinds = [LINK_CHECK_KIND];
  readonly #options: LinkCheckerOptions;
  readonly #results = new Map<string, CheckResult>();
  readonly #known = new Set<string>();
  readonly #deferred = new Set<string>();
  readonly #crawled = new Set<string>();
  readonly #getOnlyHosts = new Set<string>();
  readonly #pending = new Set<Promise<void>>();
  readonly #slots: PQueue;
  #context: SaverContext | undefined;
  #settled = false;
  #sitemapTask: Promise<SitemapScan | undefined> | undefined;
  #sitemapScan: SitemapScan | undefined;

  constructor(options: LinkCheckerOptions) {
    this.#options = options;
    this.#slots = new PQueue({ concurrency: options.maxChecks ?? Number.POSITIVE_INFINITY });
  }

  /** Every check made this run, by normalized URL. */
  get results(): ReadonlyMap<string, CheckResult> {
    return this.#results;
  }

  /** The sitemaps read this run, once `close()` resolved; `undefined` when none were asked for. */
  get sitemapScan(): SitemapScan | undefined {
    return this.#sitemapScan;
  }

  /** Called once per run before the first request: forgets the last run and starts reading sitemaps. */
  open(context: SaverContext): void {
    this.#context = context;
    for (const collection of [this.#results, this.#known, this.#deferred, this.#crawled, this.#getOnlyHosts, this.#pending])
      collection.clear();
    this.#settled = false;
    this.#sitemapScan = undefined;
    const sitemaps = this.#options.sitemaps;
    this.#sitemapTask = sitemaps && this.#readSitemaps(sitemaps, context);
  }

  /** Takes a download of an audited page: one referenced URL. Returns at once. */
  add(download: DownloadRequest, source: DownloadSource): void {
    // Levels are crawled in order: once a page of maxDepth is parsed, every page that could admit a link is done.
    if (source.depth >= this.#options.maxDepth) this.#settle();
    this.consider(download.url, download.data?.['subresource'] !== true);
  }

  /**
   * Takes a URL found outside page references (a redirect target the crawl did not follow, a sitemap entry) and
   * checks it unless the crawl fetches it. `isDocument` marks pages (which the crawl may still reach by a link).
   */
  consider(url: string, isDocument: boolean): void {
    const target = this.#options.classify(url);
    if (!target || this.#known.has(target.url)) return;
    this.#known.add(target.url);
    // Excluded URLs, and external ones unless asked, are never requested (the report counts them as not checked).
    if (target.zone === 'excluded' || (target.zone === 'external' && !this.#options.external)) return;
    // In a shared crawl an external URL is claimed too, so one worker of all checks it.
    if (target.zone === 'external') this.#track(this.#context?.claim ? this.#claim(target.url, isDocument) : this.#check(target.url, isDocument));
    else if (isDocument && !this.#settled) this.#deferred.add(target.url);
    else this.#track(this.#claim(target.url, isDocument));
  }

  /** Called once at the end of the crawl: checks what waited, then what the crawl admitted but never fetched. */
  async close(): Promise<void> {
    this.#settle();
    if (this.#sitemapTask) this.#sitemapScan = await this.#sitemapTask;
    await this.#drain();
    // Admitted but never fetched: disallowed by robots.txt, or left in the frontier by maxPages. A shared crawl's
    // other workers fetched what this one did not: not known here, so not checked (docs/SCALING.md).
    for (const url of this.#context?.claim ? [] : this.#crawled) if (!this.#options.isFetched(url)) this.#track(this.#check(url, true));
    await this.#drain();
  }

  // A shared audit reads the sitemaps on one worker of all, which hands their entries to the others through Redis
  // (`export` reads the scan there too). A persisted audit keeps the scan in its state, and a resume reads it there.
  async #readSitemaps(sitemaps: NonNullable<LinkCheckerOptions['sitemaps']>, context: SaverContext): Promise<SitemapScan | undefined> {
    const consider = (entries: readonly SitemapEntry[]) => {
      for (const entry of entries) this.consider(entry.url, true);
    };
    const state = context.state;
    const stored = state?.resumed ? ((await state.results?.get('sitemaps')) as SitemapScan | undefined) : undefined;
    if (stored) {
      consider(stored.entries);
      return stored;
    }
    const read = (onEntries: (entries: SitemapEntry[]) => void | Promise<void>) =>
      loadSitemaps({
        ...sitemaps,
        // A site lists its sitemaps for robots to read them: robots.txt rules are not applied to them.
        fetch: async (url, maxBytes) => {
          const outcome = await context.fetch(url, { obeyRobots: false, maxBytes });
          return { ...outcome, body: outcome.error ? undefined : outcome.body };
        },
        listedInRobots: (origin) => context.sitemapsInRobots(origin),
        logger: context.logger,
        signal: context.signal,
        onEntries,
      });
    if (context.once) return context.once('sitemaps', (publish) => read(publish), (items) => consider(items as SitemapEntry[]));
    const scan = await read(consider);
    // A scan cut by a stop is not kept: the resume reads the sitemaps again.
    if (!context.signal.aborted) state?.results?.set('sitemaps', scan);
    return scan;
  }

  #settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    for (const url of this.#deferred) this.#track(this.#claim(url, true));
    this.#deferred.clear();
  }

  async #claim(url: string, isDocument: boolean): Promise<void> {
    // A shared crawl claims in Redis; a persisted run's seen-set is the state's (the crawl's own).
    const [added] = await (this.#context?.claim?.([url]) ?? (this.#context?.state?.seen ?? this.#options.seen).add([url]));
    if (added) await this.#check(url, isDocument);
    else this.#crawled.add(url);
  }

  async #check(url: string, isDocument: boolean): Promise<void> {
    const context = this.#context as SaverContext;
    if (context.signal.aborted) return;
    // Checked before a resume: the stored result is reported, and the URL is not requested again.
    const done = await context.state?.linkChecks.get(url);
    if (done) {
      this.#results.set(url, done.result as CheckResult);
      return;
    }
    // A persisted run's check is in progress, holding one of the crawl's work slots, until its result is committed.
    const state = context.state;
    await this.#slots.add(() => (state ? state.inProgress(() => this.#request(url, isDocument)) : this.#request(url, isDocument)));
  }

  async #request(url: string, isDocument: boolean): Promise<void> {
    const context = this.#context as SaverContext;
    if (context.signal.aborted) return;
    const host = new URL(url).host;
    const wantAnchors = this.#options.readAnchors && isDocument;
    let method: 'HEAD' | 'GET' = wantAnchors || this.#getOnlyHosts.has(host) ? 'GET' : 'HEAD';
    let outcome = await context.fetch(url, { method, shouldReadBody: wantAnchors ? readHtml : readNothing });
    if (method === 'HEAD' && shouldRetryWithGet(outcome)) {
      const head = outcome;
      method = 'GET';
      outcome = await context.fetch(url, { method, shouldReadBody: readNothing });
      if (refusesHead(head) || linkVerdict(outcome, true) === 'ok') this.#getOnlyHosts.add(host);
    }
    const result: CheckResult = {
      url,
      finalUrl: outcome.finalUrl,
      status: outcome.status,
      contentType: outcome.contentType || null,
      redirects: outcome.redirects.map((hop) => ({ url: hop.url, status: hop.status })),
      error: outcome.error,
      method,
      anchors: wantAnchors ? anchorsOf(outcome) : null,
    };
    this.#results.set(url, result);
    context.share?.('check', result as unknown as Record<string, unknown>);
    const verdict = linkVerdict(outcome, this.#options.strict);
    context.count('checked');
    if (verdict === 'broken') context.count('broken');
    // A check cut by a stop is not done: a resume makes it again.
    if (verdict !== 'unchecked') context.state?.linkChecks.add([{ url, outcome: verdict, status: result.status, result }]);
  }

  #track(task: Promise<void>): void {
    const tracked = task.catch((error: unknown) => this.#context?.logger.error({ err: error }, 'link check failed')).finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  async #drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }
}

function anchorsOf(outcome: FetchOutcome): string[] | null {
  if (!outcome.body || !HTML_TYPES.has(outcome.contentType)) return null;
  return collectAnchors(parseDocument(decodeHtml(outcome.body, outcome.headers['content-type']).text));
}
