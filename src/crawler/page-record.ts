import { toRecordedError } from '../errors.js';
import type { CrawlError, FetchError, RecordedError } from '../errors.js';
import type { RunCounters } from '../storage/counters.js';
import type { CrawlRequest } from '../storage/frontier-store.js';
import type { Loaded } from './page-loader.js';

/** The record `crawl` writes for every fetched URL (pages.jsonl). */
export interface PageRecord {
  /** The URL requested (normalized). */
  url: string;
  /** Where the content came from after redirects (the redirect target when it was not followed). */
  finalUrl: string;
  /** HTTP status of the last response, or `null` when no response came (network error). */
  status: number | null;
  /** Link distance from the nearest start URL. */
  depth: number;
  /** The page that first linked to it; `null` for a start URL. */
  parent: string | null;
  /** Media type of the last response, or `null`. */
  contentType: string | null;
  /** Body bytes read (or declared, for bodies not read). */
  bytes: number;
  /** `<title>` of HTML pages, or `null`. */
  title: string | null;
  /** Distinct in-scope links found on the page. */
  links: number;
  /**
   * Wall time spent on this page, in ms: from its first request sent to its final answer or failure, every redirect
   * hop, retry and pause between retries included (the wait for the first request's slot is not).
   */
  ms: number;
  /**
   * Requests sent for this page: one per try of each redirect hop (1 for a page answered at once; 0 when none was,
   * as for a page whose robots.txt is at a refused address).
   */
  attempts: number;
  /** The body was longer than `maxBytes` and was cut. */
  truncated: boolean;
  /** Redirects answered for this request, in order: each hop's URL and status (the last target is `finalUrl`). */
  redirects: Array<{ url: string; status: number }>;
  /** `null`, or why the page failed: a short code (`timeout`, `http-404`, ...) and a message. */
  error: RecordedError | null;
  /**
   * Only with the `cache` option: whether the page's answer came from the HTTP cache (fresh, or revalidated by a
   * 304) rather than the network.
   */
  cached?: boolean;
}

/** Column order of pages.csv. */
export const PAGE_COLUMNS: readonly (keyof PageRecord)[] = [
  'url', 'finalUrl', 'status', 'depth', 'parent', 'contentType', 'bytes', 'title', 'links', 'ms', 'attempts', 'truncated', 'redirects', 'error',
];

/** Why a discovered link or a queued URL was not fetched. Not errors: counted in the summary and logged at debug. */
export type SkipReason =
  | 'scheme'
  | 'invalid'
  | 'scope'
  | 'seen'
  | 'depth'
  | 'robots'
  | 'nofollow'
  | 'too-long'
  | 'trap'
  | 'filtered';

/** What loading gives for a URL never requested (robots.txt unreachable, an address refused). Pure. */
export function unfetched(url: string, error: FetchError): Loaded {
  return { finalUrl: url, response: undefined, redirects: [], redirectSkipped: undefined, error, ms: 0, attempts: 0 };
}

/** What the page's parse found (or the error that ended it), for its record. */
export interface PageFindings {
  title: string | null;
  links: number;
  error: CrawlError | undefined;
  /** Whether the run has an HTTP cache, so the record says `cached`. */
  withCached: boolean;
}

/** The page record of a settled request: what was asked, what answered and what the parse found. Pure. */
export function buildPageRecord(request: CrawlRequest, loaded: Loaded, found: PageFindings): PageRecord {
  const response = loaded.response;
  return {
    url: request.url,
    finalUrl: loaded.finalUrl,
    status: response?.status ?? null,
    depth: request.depth,
    parent: request.parent,
    contentType: response ? response.contentType || null : null,
    bytes: response?.bytes ?? 0,
    title: found.title,
    links: found.links,
    ms: Math.round(loaded.ms),
    attempts: loaded.attempts,
    truncated: response?.truncated ?? false,
    redirects: loaded.redirects.map((hop) => ({ url: hop.url, status: hop.status })),
    error: found.error ? toRecordedError(found.error) : null,
    ...(found.withCached ? { cached: response?.cached ?? false } : {}),
  };
}

/** Counts a written page: pages, bytes and pages per depth; failures by depth and by error code. */
export function countPage(counters: RunCounters, record: PageRecord): void {
  counters.increment('pages');
  counters.increment('bytes', record.bytes);
  counters.increment(`depth.${record.depth}.pages`);
  if (record.error) {
    counters.increment('failed');
    counters.increment(`depth.${record.depth}.failed`);
    counters.increment(`error.${record.error.code}`);
  }
}
