import type { Logger } from 'pino';
import { MAX_SITEMAP_BYTES, SitemapSyntaxError, parseSitemap } from './sitemap-parser.js';
import type { ParsedSitemap } from './sitemap-parser.js';

/** How a sitemap file came to be read. */
export type SitemapSource = 'option' | 'robots' | 'default' | 'index';

/** One sitemap file read (or not). */
export interface SitemapFile {
  url: string;
  /** `option` (given), `robots` (listed in robots.txt), `default` (`/sitemap.xml`, tried as robots.txt listed none), `index` (listed in an index). */
  source: SitemapSource;
  status: number | null;
  /**
   * `null`, or why it could not be read: `http-404`, `timeout`, `robots-disallowed`, ... (the fetch's codes),
   * `unreadable` (not well-formed XML, or a corrupt archive), `too-many-sitemaps`, `too-deep` (an index nested
   * deeper than {@link MAX_SITEMAP_INDEX_DEPTH}).
   */
  error: { code: string; message: string } | null;
  /** What it held, when it was read. */
  kind: 'urlset' | 'index' | 'text' | null;
  /** Page URLs (or sitemaps, for an index) it listed. */
  urls: number;
  /** Set when the file went past the protocol's limits and was read up to them (`max-urls`, `max-bytes`). */
  cut?: 'max-urls' | 'max-bytes';
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

/** What fetching one sitemap gave. */
export interface SitemapResponse {
  status: number | null;
  /** The URL the body came from, after redirects (relative `<loc>`s resolve against it). */
  finalUrl: string;
  body: Buffer | undefined;
  /** The body was cut at the size cap asked for. */
  truncated: boolean;
  error: { code: string; message: string } | null;
}

/** What to read, and how. */
export interface SitemapLoadOptions {
  /** Sitemaps named by the user. */
  urls: readonly string[];
  /** Origins whose robots.txt is read for `Sitemap:` lines (`/sitemap.xml` when it has none). */
  discoverOrigins: readonly string[];
  /**
   * Fetches one sitemap (at most `maxBytes` of body, 2xx bodies only; never rejects). The caller's limiter, retries and
   * robots.txt rules apply.
   */
  fetch(url: string, maxBytes: number): Promise<SitemapResponse>;
  /** The `Sitemap:` lines of an origin's robots.txt, from the crawl's robots.txt cache (one fetch per origin). */
  listedInRobots(origin: string): Promise<readonly string[]>;
  /** Told of the new page URLs of each file as soon as it is parsed; awaited before the next file's are given. */
  onEntries?: (entries: SitemapEntry[]) => void | Promise<void>;
  /** Where unreadable files and cuts are logged (`warn`). */
  logger?: Logger;
  signal?: AbortSignal;
  /** Keep every entry in the returned scan (the audit does; a crawl feeding its frontier need not). @default true */
  keepEntries?: boolean;
}

/** Sitemap files read per run at most; an index of indexes of a huge site should not read forever. */
export const MAX_SITEMAP_FILES = 1000;
/**
 * Levels of sitemap indexes followed. The protocol forbids an index listing indexes; real sites nest a level or two,
 * and a loop of indexes must end.
 */
export const MAX_SITEMAP_INDEX_DEPTH = 3;

interface Pending {
  url: string;
  source: SitemapSource;
}

async function discover(options: SitemapLoadOptions, origin: string): Promise<Pending[]> {
  const listed = await options.listedInRobots(origin);
  return listed.length > 0 ? listed.map((url) => ({ url, source: 'robots' as const })) : [{ url: `${origin}/sitemap.xml`, source: 'default' as const }];
}

async function readFile(options: SitemapLoadOptions, pending: Pending): Promise<{ file: SitemapFile; urls: string[] }> {
  const file: SitemapFile = { url: pending.url, source: pending.source, status: null, error: null, kind: null, urls: 0 };
  const response = await options.fetch(pending.url, MAX_SITEMAP_BYTES);
  file.status = response.status;
  if (response.error || !response.body) {
    file.error = response.error ?? { code: 'unreadable', message: 'No body' };
    options.logger?.warn({ sitemap: pending.url, code: file.error.code }, 'sitemap not read');
    return { file, urls: [] };
  }
  let parsed: ParsedSitemap;
  try {
    parsed = await parseSitemap(response.body, response.finalUrl, { truncated: response.truncated });
  } catch (error) {
    const message = error instanceof SitemapSyntaxError ? error.message : `Cannot parse: ${(error as Error)?.message ?? String(error)}`;
    file.error = { code: 'unreadable', message };
    options.logger?.warn({ sitemap: pending.url, err: message }, 'sitemap skipped: not well-formed');
    return { file, urls: [] };
  }
  file.kind = parsed.kind;
  file.urls = parsed.urls.length;
  if (parsed.cut) {
    file.cut = parsed.cut;
    options.logger?.warn({ sitemap: pending.url, cut: parsed.cut, urls: parsed.urls.length }, 'sitemap over the protocol limits: read up to them');
  }
  return { file, urls: parsed.urls };
}

/**
 * Reads sitemaps: those named, and those the origins' robots.txt lists (`/sitemap.xml` when it lists none); sitemap
 * indexes are followed (each file once, at most {@link MAX_SITEMAP_FILES}, {@link MAX_SITEMAP_INDEX_DEPTH} levels
 * deep), files of a level in parallel through the caller's fetch. Never throws: files that fail (network, status,
 * bad XML) are returned with their error and logged.
 */
export async function loadSitemaps(options: SitemapLoadOptions): Promise<SitemapScan> {
  const scan: SitemapScan = { files: [], entries: [] };
  const keep = options.keepEntries ?? true;
  const listed = new Set<string>();
  const requested = new Set<string>();
  let level: Pending[] = options.urls.map((url) => ({ url, source: 'option' }));
  for (const found of await Promise.all(options.discoverOrigins.map((origin) => discover(options, origin)))) level.push(...found);
  const skip = (pending: Pending, code: string, message: string) =>
    scan.files.push({ url: pending.url, source: pending.source, status: null, error: { code, message }, kind: null, urls: 0 });
  for (let depth = 0; level.length > 0 && !options.signal?.aborted; depth++) {
    const next: Pending[] = [];
    const batch = level.filter((pending) => !requested.has(pending.url) && requested.add(pending.url));
    if (depth > MAX_SITEMAP_INDEX_DEPTH) {
      for (const pending of batch) skip(pending, 'too-deep', `Sitemap indexes nested more than ${MAX_SITEMAP_INDEX_DEPTH} levels`);
      options.logger?.warn({ sitemaps: batch.length }, 'sitemap indexes nested too deep: not followed');
      break;
    }
    const allowed = batch.slice(0, Math.max(0, MAX_SITEMAP_FILES - scan.files.length));
    for (const pending of batch.slice(allowed.length)) skip(pending, 'too-many-sitemaps', `More than ${MAX_SITEMAP_FILES} sitemap files`);
    const reads = allowed.map((pending) => readFile(options, pending));
    // Files are handed on in order as each finishes reading, so the first file's URLs need not wait for the last.
    for (const read of reads) {
      const { file, urls } = await read;
      scan.files.push(file);
      if (file.kind === 'index') {
        next.push(...urls.map((url) => ({ url, source: 'index' as const })));
        continue;
      }
      const entries: SitemapEntry[] = [];
      for (const url of urls) {
        // A crawl dedupes through its seen-set; a set of every listed URL here would only double the memory.
        if (keep && listed.has(url)) continue;
        if (keep) listed.add(url);
        entries.push({ url, sitemap: file.url });
      }
      if (keep) scan.entries.push(...entries);
      if (entries.length > 0) await options.onEntries?.(entries);
    }
    level = next;
  }
  return scan;
}
