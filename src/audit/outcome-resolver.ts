import type { PageRecord } from '../crawler/page-record.js';
import type { CheckResult } from './link-checker.js';
import type { Hop } from './outcome-rules.js';

/** What a URL answered in the end, whoever fetched it, with every redirect on the way. */
export interface ResolvedOutcome {
  /** The normalized URL asked for. */
  url: string;
  finalUrl: string;
  status: number | null;
  contentType: string | null;
  error: { code: string; message: string } | null;
  redirects: Hop[];
  /** `crawl` when the crawl fetched it as a page, `check` when the link checker did. */
  source: 'crawl' | 'check';
  /** Ids and named anchors of the final page, when it is HTML and was read; `null` otherwise. */
  anchors: ReadonlySet<string> | null;
  /** The chain ends in a redirect whose target nobody fetched (out of scope and not checked, or excluded). */
  unresolved: boolean;
}

/** What the resolver reads. */
export interface OutcomeSources {
  pages: readonly PageRecord[];
  checks: ReadonlyMap<string, CheckResult>;
  /** Anchors of crawled HTML pages, by their final URL. */
  anchors: ReadonlyMap<string, readonly string[]>;
  /** Normalizes a URL as the crawl does (redirect targets in page records are normalized already; others may not be). */
  normalize: (url: string) => string | null;
}

const MAX_CHAIN = 32;
const isRedirect = (status: number | null) => status !== null && status >= 300 && status < 400;

/**
 * Finds what a URL answered: the link checker's result, or the page record of the crawl under that URL, or (for a
 * URL the crawl reached by a redirect) the record whose final URL it is. A redirect the crawl did not follow (its
 * target was already seen, or out of scope) is followed through the target's own outcome, so every link ends at its
 * real final answer. `extractor-failed` is not an answer of the server and is ignored. Pure.
 */
export function createOutcomeResolver(sources: OutcomeSources): {
  resolve: (url: string) => ResolvedOutcome | undefined;
  isCrawled: (url: string) => boolean;
} {
  const byUrl = new Map<string, PageRecord>();
  const byFinalUrl = new Map<string, PageRecord>();
  for (const page of sources.pages) byUrl.set(page.url, page);
  for (const page of sources.pages) if (page.finalUrl !== page.url && !isRedirect(page.status) && !byUrl.has(page.finalUrl)) byFinalUrl.set(page.finalUrl, page);
  const anchorsOf = (url: string, fromCheck: readonly string[] | null) => {
    const list = fromCheck ?? sources.anchors.get(url);
    return list ? new Set(list) : null;
  };

  const direct = (url: string): ResolvedOutcome | undefined => {
    const check = sources.checks.get(url);
    if (check) return { ...check, source: 'check', anchors: anchorsOf(check.finalUrl, check.anchors), unresolved: false };
    const page = byUrl.get(url);
    const final = page ? undefined : byFinalUrl.get(url);
    const record = page ?? final;
    if (!record) return undefined;
    const error = record.error?.code === 'extractor-failed' ? null : record.error;
    const finalUrl = record.finalUrl;
    return {
      url,
      finalUrl,
      status: record.status,
      contentType: record.contentType,
      error,
      redirects: page ? record.redirects : [],
      source: 'crawl',
      anchors: isRedirect(record.status) ? null : anchorsOf(finalUrl, null),
      unresolved: false,
    };
  };

  const resolve = (url: string, depth = 0): ResolvedOutcome | undefined => {
    const outcome = direct(url);
    if (!outcome || outcome.error || !isRedirect(outcome.status) || outcome.finalUrl === url) return outcome;
    const next = depth < MAX_CHAIN ? sources.normalize(outcome.finalUrl) : null;
    const target = next !== null && next !== url ? resolve(next, depth + 1) : undefined;
    if (!target) return { ...outcome, unresolved: true };
    return { ...target, url, redirects: [...outcome.redirects, ...target.redirects] };
  };

  return { resolve: (url) => resolve(url), isCrawled: (url) => byUrl.has(url) || byFinalUrl.has(url) };
}
