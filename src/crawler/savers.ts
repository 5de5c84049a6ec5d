import type { Logger } from 'pino';
import type { DownloadRequest } from '../extractors/extractor.js';
import type { DownloadSource, FetchOutcome, Saver, SaverContext, SaverFetchOptions, SaverState } from '../extractors/saver.js';
import type { LoggedDownload } from '../storage/done-set.js';
import type { RunCounters } from '../storage/counters.js';
import { toRecordedError } from '../errors.js';
import type { PageLoader } from './page-loader.js';
import type { RobotsCache } from './robots.js';

/** What the savers' host needs from the run. */
export interface SaverHostOptions {
  savers: readonly Saver[];
  loader: PageLoader;
  robots: RobotsCache | undefined;
  /** The run's robots.txt files (the same cache as `robots` when the crawl obeys robots.txt), read for `Sitemap:` lines. */
  robotsFiles: RobotsCache;
  counters: RunCounters;
  logger: Logger;
  stopSignal: AbortSignal;
  outDir: string | undefined;
  /** The persisted state savers keep their work in, when the run has one. */
  state?: SaverState | undefined;
  /** Where savers share their records when the crawl is shared (see `SaverContext.share`). */
  share?: ((kind: string, record: Record<string, unknown>) => void) | undefined;
  /** Claims URLs in the shared seen-set (see `SaverContext.claim`). */
  claim?: ((urls: readonly string[]) => Promise<boolean[]>) | undefined;
  /** Limits shared by the workers (see `SaverContext.quota`). */
  quota?: SaverContext['quota'];
  /** Tasks run once for all workers (see `SaverContext.once`). */
  once?: SaverContext['once'];
}

const follow = async () => undefined;

/** Opens the run's savers, routes each download to the saver of its kind, and closes them at the end. */
export class SaverHost {
  readonly #options: SaverHostOptions;
  readonly #byKind = new Map<string, Saver>();
  /** Set while downloads are handed over again on a resume: their counts are in the state already. */
  #replaying = false;

  constructor(options: SaverHostOptions) {
    this.#options = options;
    for (const saver of options.savers) for (const kind of saver.kinds) if (!this.#byKind.has(kind)) this.#byKind.set(kind, saver);
  }

  /** Opens every saver with its context. */
  async open(): Promise<void> {
    for (const saver of this.#options.savers) await saver.open(this.#contextFor(saver));
  }

  /** Hands downloads to their savers; downloads of a kind no saver takes are counted and dropped. */
  add(downloads: readonly DownloadRequest[], source: DownloadSource): void {
    for (const download of downloads) {
      const saver = this.#byKind.get(download.kind);
      if (saver) saver.add(download, source);
      else this.#options.counters.increment(`skip.no-saver`);
    }
  }

  /** Whether a saver takes downloads of `kind`. */
  takes(kind: string): boolean {
    return this.#byKind.has(kind);
  }

  /**
   * Hands the savers of a resumed run the downloads of the pages done before (see {@link SaverState}), synchronously,
   * without counting again what their `add` counts.
   */
  replay(downloads: Iterable<LoggedDownload>): number {
    let count = 0;
    this.#replaying = true;
    try {
      for (const { page, depth, kind, url, data } of downloads) {
        const saver = this.#byKind.get(kind);
        if (!saver) continue;
        saver.add({ url, kind, ...(data ? { data } : {}) }, { page, depth });
        count++;
      }
    } finally {
      this.#replaying = false;
    }
    return count;
  }

  /** Closes every saver, waiting for their queued work; rejects with the first failure after closing all. */
  async close(): Promise<void> {
    const results = await Promise.allSettled(this.#options.savers.map((saver) => saver.close()));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  #contextFor(saver: Saver): SaverContext {
    const options = this.#options;
    return {
      fetch: (url, fetchOptions) => this.#fetch(url, fetchOptions ?? {}),
      count: (name, by = 1) => {
        if (!this.#replaying) options.counters.increment(`saver.${saver.name}.${name}`, by);
      },
      logger: options.logger.child({ module: 'saver', saver: saver.name }),
      signal: options.stopSignal,
      outDir: options.outDir,
      share: options.share,
      claim: options.claim,
      quota: options.quota,
      once: options.once,
      sitemapsInRobots: async (origin) => (await options.robotsFiles.rulesFor(origin)).sitemaps,
      state: options.state,
    };
  }

  async #fetch(url: string, fetchOptions: SaverFetchOptions): Promise<FetchOutcome> {
    const empty = { url, finalUrl: url, status: null, headers: {}, contentType: '', body: undefined, bytes: 0, truncated: false, redirects: [], ms: 0 };
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { ...empty, error: { code: 'invalid', message: `Not a URL: ${url}` } };
    }
    const refusal = fetchOptions.obeyRobots === false ? undefined : await this.#options.robots?.refusal(parsed);
    if (refusal) return { ...empty, error: toRecordedError(refusal) };
    const loaded = await this.#options.loader.load(parsed.href, {
      method: fetchOptions.method,
      maxBytes: fetchOptions.maxBytes,
      shouldReadBody: fetchOptions.shouldReadBody ?? ((status) => status >= 200 && status < 300),
      acceptRedirect: follow,
      purpose: 'download',
    });
    const response = loaded.response;
    let error = loaded.error ? toRecordedError(loaded.error) : null;
    if (!error && response && response.status >= 400) error = { code: `http-${response.status}`, message: `HTTP ${response.status}` };
    return {
      url,
      finalUrl: loaded.finalUrl,
      status: response?.status ?? null,
      headers: response?.headers ?? {},
      contentType: response?.contentType ?? '',
      body: response?.body,
      bytes: response?.bytes ?? 0,
      truncated: response?.truncated ?? false,
      redirects: loaded.redirects,
      error,
      ms: Math.round(loaded.ms),
    };
  }
}
