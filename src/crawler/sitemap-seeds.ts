import type { Logger } from 'pino';
import { toRecordedError } from '../errors.js';
import type { LinkAdmission } from './admission.js';
import type { PageLoader } from './page-loader.js';
import type { RobotsCache } from './robots.js';
import { loadSitemaps } from './sitemap-loader.js';
import type { SitemapResponse, SitemapScan } from './sitemap-loader.js';

/** What seeding from sitemaps needs from the run. */
export interface SitemapSeedOptions {
  /** The resolved `sitemaps` option: sitemap URLs, and robots.txt URLs whose origins' sitemaps are discovered. */
  sitemaps: readonly string[];
  loader: PageLoader;
  /** The robots.txt rules obeyed, when the crawl obeys them. */
  robots: RobotsCache | undefined;
  /** The run's robots.txt files, read for `Sitemap:` lines (one fetch per origin, shared with the rules). */
  robotsFiles: RobotsCache;
  admission: LinkAdmission;
  logger: Logger;
  signal: AbortSignal;
}

const followAnyRedirect = async (): Promise<undefined> => undefined;

/** Splits the `sitemaps` option into sitemap URLs and origins whose robots.txt names them. Pure. */
export function splitSitemapOption(sitemaps: readonly string[]): { urls: string[]; discoverOrigins: string[] } {
  const urls: string[] = [];
  const discoverOrigins: string[] = [];
  for (const url of sitemaps) {
    const parsed = new URL(url);
    if (parsed.pathname === '/robots.txt' && parsed.search === '') discoverOrigins.push(parsed.origin);
    else urls.push(parsed.href);
  }
  return { urls, discoverOrigins: [...new Set(discoverOrigins)] };
}

/**
 * Reads the crawl's sitemaps through the page loader (limiter, retries, timeouts, and robots.txt rules when the crawl
 * obeys them) and admits every page URL they list at depth 0, beside the start URLs: scope, include/exclude, trap
 * guards and the seen-set apply. Runs before the first level; never throws for a sitemap that fails (it is logged).
 */
export async function seedFromSitemaps(options: SitemapSeedOptions): Promise<{ scan: SitemapScan; queued: number }> {
  const log = options.logger;
  let queued = 0;
  const fetch = async (url: string, maxBytes: number): Promise<SitemapResponse> => {
    const refusal = await options.robots?.refusal(new URL(url));
    if (refusal) return { status: null, finalUrl: url, body: undefined, truncated: false, error: toRecordedError(refusal) };
    const loaded = await options.loader.load(url, {
      maxBytes,
      shouldReadBody: (status) => status >= 200 && status < 300,
      acceptRedirect: followAnyRedirect,
    });
    const response = loaded.response;
    let error = loaded.error ? toRecordedError(loaded.error) : null;
    if (!error && response && response.status >= 300) error = { code: `http-${response.status}`, message: `HTTP ${response.status}` };
    return { status: response?.status ?? null, finalUrl: loaded.finalUrl, body: error ? undefined : response?.body, truncated: response?.truncated ?? false, error };
  };
  const scan = await loadSitemaps({
    ...splitSitemapOption(options.sitemaps),
    fetch,
    listedInRobots: async (origin) => (await options.robotsFiles.rulesFor(origin)).sitemaps,
    onEntries: async (entries) => {
      queued += await options.admission.admitSeeds(entries.map((entry) => entry.url));
    },
    logger: log,
    signal: options.signal,
    keepEntries: false,
  });
  log.info({ sitemaps: scan.files.length, failed: scan.files.filter((file) => file.error).length, queued }, 'sitemaps read');
  return { scan, queued };
}
