import type { CrawlerOptions } from '../crawler/options.js';
import { resolveOptions } from '../crawler/options.js';
import type { PageRecord } from '../crawler/page-record.js';
import type { SitemapScan } from '../crawler/sitemap-loader.js';
import type { AuditPageRecord } from '../extractors/audit.js';
import type { TitleRecord } from '../extractors/title.js';
import type { CheckResult } from './link-checker.js';
import { createLinkScope } from './link-scope.js';
import { resolveAuditOptions } from './options.js';
import type { FailOn } from './options.js';
import { buildAuditReport } from './report.js';
import type { AuditReport } from './report-types.js';

/** What the workers of a shared audit left in Redis, read back by `sitecrawl export`. */
export interface SharedAuditInput {
  /** The crawl's stored result options (see `resultOptions`), with the audit's own under `commandOptions` by flag. */
  stored: Record<string, unknown>;
  /** The page records, one per URL. */
  pages: readonly PageRecord[];
  /** The records of those pages (the `title` and `audit` ones are used). */
  records: readonly Record<string, unknown>[];
  /** The link checks the workers shared, one per URL. */
  checks: ReadonlyMap<string, CheckResult>;
  /** The sitemaps a worker read, when asked for. */
  sitemaps: SitemapScan | undefined;
  crawl: { stopReason: string; elapsedMs: number };
  /** The level from which the report counts as failed (`--fail-on`: a judgement, not stored with the crawl). */
  failOn?: FailOn | undefined;
}

/**
 * Builds the audit report of a crawl shared through Redis from what its workers streamed: the same report one
 * process would have written, judged with the stored crawl and audit options. Pure.
 */
export function buildSharedAuditReport(input: SharedAuditInput): AuditReport {
  const { commandOptions, ...stored } = input.stored;
  const crawl = resolveOptions(Object.fromEntries(Object.entries(stored).filter(([, value]) => value !== null)) as unknown as CrawlerOptions);
  const flags = (commandOptions ?? {}) as Record<string, unknown>;
  const options = resolveAuditOptions({
    external: flags['--external'] === true,
    checkFragments: flags['--check-fragments'] === true,
    strict: flags['--strict'] === true,
    sitemap: flags['--sitemap'] === true,
    sitemapUrls: (flags['--sitemap=URL'] as string[] | undefined) ?? [],
    ...(input.failOn ? { failOn: input.failOn } : {}),
    ...(typeof flags['--title-max'] === 'number' ? { titleMax: flags['--title-max'] } : {}),
    ...(typeof flags['--title-min'] === 'number' ? { titleMin: flags['--title-min'] } : {}),
  });
  return buildAuditReport({
    startUrls: crawl.startUrls,
    options,
    classify: createLinkScope(crawl),
    pages: input.pages,
    titles: input.records.filter((record) => record['type'] === 'title') as unknown as TitleRecord[],
    audits: input.records.filter((record) => record['type'] === 'audit') as unknown as AuditPageRecord[],
    checks: input.checks,
    sitemaps: input.sitemaps,
    crawl: input.crawl,
  });
}
