import type { SaverContext } from '../extractors/saver.js';
import { MAX_SITEMAP_BYTES, gunzipIfNeeded, parseSitemap, sitemapsFromRobots } from './sitemap.js';

/** How a sitemap file came to be read. */
export type SitemapSource = 'option' | 'robots' | 'default' | 'index';

/** One sitemap file read (or not) during an audit. */
export interface SitemapFile {
  url: string;
  /** `option` (given), `robots` (listed in robots.txt), `default` (`/sitemap.xml`, tried as robots.txt listed none), `index` (listed in an index). */
  source: SitemapSource;
  status: number | null;
  /** `null`, or why it could not be read (`http-404`, `timeout`, `unreadable`, `too-many-sitemaps`, ...). */
  error: { code: string; message: string } | null;
  /** What it held, when it was read. */
  kind: 'urlset' | 'index' | 'text' | null;
  /** Page URLs (or sitemaps, for an index) it listed. */
  urls: number;
}

/** A page URL a sitemap lists, with the sitemap that listed it first. */
export interface SitemapEntry {
  url: string;
  sitemap: string;
}

/** Every sitemap file tried and every page URL they list (each once). */
export interface SitemapScan {
  files: SitemapFile[];
  entries: SitemapEntry[];
}

/** What to read. */
export interface SitemapLoadOptions {
  /** Sitemaps named by the user. */
  urls: readonly string[];
  /** Origins whose robots.txt is read for `Sitemap:` lines (`/sitemap.xml` when it has none). */
  discoverOrigins: readonly string[];
  /** Told of each page URL as soon as its sitemap is parsed. */
  onEntry?: (entry: SitemapEntry) => void;
  signal?: AbortSignal;
}

/** Sitemap files read per run at most; an index of indexes of a huge site should not read forever. */
export const MAX_SITEMAP_FILES = 1000;

type Fetch = SaverContext['fetch'];
interface Pending {
  url: string;
  source: SitemapSource;
}

async function discover(fetch: Fetch, origin: string): Promise<Pending[]> {
  const robotsUrl = `${origin}/robots.txt`;
  const robots = await fetch(robotsUrl, { obeyRobots: false });
  const listed = robots.body && !robots.error ? sitemapsFromRobots(robots.body.toString('utf8'), robots.finalUrl) : [];
  return listed.length > 0 ? listed.map((url) => ({ url, source: 'robots' as const })) : [{ url: `${origin}/sitemap.xml`, source: 'default' as const }];
}

async function readFile(fetch: Fetch, pending: Pending): Promise<{ file: SitemapFile; urls: string[] }> {
  const file: SitemapFile = { url: pending.url, source: pending.source, status: null, error: null, kind: null, urls: 0 };
  // A site lists its sitemaps for robots to read them: robots.txt rules are not applied to them.
  const outcome = await fetch(pending.url, { obeyRobots: false, maxBytes: MAX_SITEMAP_BYTES });
  file.status = outcome.status;
  if (outcome.error || !outcome.body) {
    file.error = outcome.error ?? { code: 'unreadable', message: 'No body' };
    return { file, urls: [] };
  }
  let parsed;
  try {
    parsed = parseSitemap(gunzipIfNeeded(outcome.body).toString('utf8'), outcome.finalUrl);
  } catch (error) {
    file.error = { code: 'unreadable', message: `Cannot decompress: ${(error as Error).message}` };
    return { file, urls: [] };
  }
  file.kind = parsed.kind;
  file.urls = parsed.urls.length;
  return { file, urls: parsed.urls };
}

/**
 * Reads sitemaps through the crawl's fetch (its limiter, retries and timeouts): those named, and those the start
 * origins' robots.txt lists; sitemap indexes are followed (each file once, at most {@link MAX_SITEMAP_FILES}). Never
 * throws: files that fail are returned with their error.
 */
export async function loadSitemaps(fetch: Fetch, options: SitemapLoadOptions): Promise<SitemapScan> {
  const scan: SitemapScan = { files: [], entries: [] };
  const listed = new Set<string>();
  const requested = new Set<string>();
  let level: Pending[] = options.urls.map((url) => ({ url, source: 'option' }));
  for (const found of await Promise.all(options.discoverOrigins.map((origin) => discover(fetch, origin)))) level.push(...found);
  while (level.length > 0 && !options.signal?.aborted) {
    const next: Pending[] = [];
    const batch = level.filter((pending) => !requested.has(pending.url) && requested.add(pending.url));
    const allowed = batch.slice(0, Math.max(0, MAX_SITEMAP_FILES - scan.files.length));
    for (const skipped of batch.slice(allowed.length))
      scan.files.push({ url: skipped.url, source: skipped.source, status: null, error: { code: 'too-many-sitemaps', message: `More than ${MAX_SITEMAP_FILES} sitemap files` }, kind: null, urls: 0 });
    for (const { file, urls } of await Promise.all(allowed.map((pending) => readFile(fetch, pending)))) {
      scan.files.push(file);
      if (file.kind === 'index') {
        next.push(...urls.map((url) => ({ url, source: 'index' as const })));
        continue;
      }
      for (const url of urls) {
        if (listed.has(url)) continue;
        listed.add(url);
        const entry = { url, sitemap: file.url };
        scan.entries.push(entry);
        options.onEntry?.(entry);
      }
    }
    level = next;
  }
  return scan;
}
