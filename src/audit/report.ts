import type { PageRecord } from '../crawler/page-record.js';
import type { AuditPageRecord } from '../extractors/audit.js';
import type { TitleRecord } from '../extractors/title.js';
import { compareText } from './compare-text.js';
import { failsAt, worstLevel } from './fail-on.js';
import type { CheckResult } from './link-checker.js';
import { judgeLinks } from './link-findings.js';
import type { LinkTarget } from './link-scope.js';
import type { ResolvedAuditOptions } from './options.js';
import { createOutcomeResolver } from './outcome-resolver.js';
import { metaIssues, titleIssues } from './page-rules.js';
import type { PageFacts } from './page-rules.js';
import { ReferenceIndex } from './reference-index.js';
import type { AuditReport } from './report-types.js';
import type { SitemapScan } from '../crawler/sitemap-loader.js';

/** Everything a run collected, for {@link buildAuditReport}. */
export interface AuditInput {
  startUrls: readonly string[];
  options: Pick<ResolvedAuditOptions, 'strict' | 'checkFragments' | 'titleMax' | 'titleMin' | 'failOn'>;
  /** Normalizes and zones a URL the way the crawl does. */
  classify: (url: string) => LinkTarget | null;
  /** The crawl's page records. */
  pages: readonly PageRecord[];
  /** `TitleExtractor` records of the HTML pages. */
  titles: readonly TitleRecord[];
  /** `AuditExtractor` records of the HTML pages. */
  audits: readonly AuditPageRecord[];
  /** The link checker's results. */
  checks: ReadonlyMap<string, CheckResult>;
  /** Sitemaps read, when asked for. */
  sitemaps: SitemapScan | undefined;
  /** How the crawl ended. */
  crawl: { stopReason: string; elapsedMs: number };
}

/**
 * Builds the audit report from what a run collected: each referenced URL judged once from the crawl's page record or
 * the link checker's result (redirects followed through), titles and meta of every HTML page, fragments, sitemap
 * entries and orphans, the summary and the failure level. Pure: same input, same report.
 */
export function buildAuditReport(input: AuditInput): AuditReport {
  const normalize = (url: string) => input.classify(url)?.url ?? null;
  const index = new ReferenceIndex(input.classify);
  for (const url of input.startUrls) index.addUrl(url);
  for (const record of input.audits) index.addPage(record);
  for (const entry of input.sitemaps?.entries ?? []) index.addSitemapEntry(entry);
  const anchors = new Map<string, readonly string[]>();
  const noindex = new Set<string>();
  for (const record of input.audits) {
    if (record.anchors) anchors.set(record.url, record.anchors);
    if (record.noindex) noindex.add(record.url);
  }
  const resolver = createOutcomeResolver({ pages: input.pages, checks: input.checks, anchors, normalize });
  const links = judgeLinks(index, { strict: input.options.strict, checkFragments: input.options.checkFragments, ...resolver });

  const facts: PageFacts[] = input.titles.map((record) => ({
    url: record.url,
    title: record.title,
    description: record.description,
    h1: record.h1,
    canonical: record.canonical,
    noindex: noindex.has(record.url),
  }));
  const titles = titleIssues(facts, input.options, { normalize });
  const meta = metaIssues(facts, { normalize, isBroken: (url) => links.brokenUrls.has(url) });
  const mixedContent = [...index.mixedContent].sort((a, b) => compareText(a.page, b.page) || compareText(a.url, b.url));

  const brokenByKind: Record<string, number> = {};
  for (const link of links.brokenLinks) brokenByKind[link.error.code] = (brokenByKind[link.error.code] ?? 0) + 1;
  const counts = {
    broken: links.brokenLinks.length,
    fragmentIssues: links.fragmentIssues.length,
    mixedContent: mixedContent.length,
    redirects: links.redirects.length,
    sitemapIssues: links.sitemapIssues.length,
    titleIssues: titles.length,
    metaIssues: meta.length,
    contentTypeIssues: links.contentTypeIssues.length,
    orphans: links.orphans.length,
  };
  const worst = worstLevel(counts);
  return {
    summary: {
      startUrls: [...input.startUrls],
      pagesCrawled: input.pages.length,
      linksFound: index.referenceCount,
      urlsChecked: links.urlsChecked,
      ...counts,
      brokenByKind: Object.fromEntries(Object.entries(brokenByKind).sort(([a], [b]) => compareText(a, b))),
      unverifiable: links.unverifiable.length,
      sitemapUrls: input.sitemaps?.entries.length ?? 0,
      notChecked: links.notChecked,
      stopReason: input.crawl.stopReason,
      elapsedMs: Math.round(input.crawl.elapsedMs),
      worstLevel: worst,
      failOn: input.options.failOn,
      failed: failsAt(worst, input.options.failOn),
    },
    brokenLinks: links.brokenLinks,
    redirects: links.redirects,
    unverifiable: links.unverifiable,
    titleIssues: titles,
    metaIssues: meta,
    fragmentIssues: links.fragmentIssues,
    orphans: links.orphans,
    mixedContent,
    contentTypeIssues: links.contentTypeIssues,
    sitemapIssues: links.sitemapIssues,
    sitemaps: input.sitemaps?.files ?? [],
  };
}
