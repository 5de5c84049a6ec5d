import { Crawler } from '../crawler/crawler.js';
import type { CrawlSummary } from '../crawler/crawl-run.js';
import { CrawlError } from '../errors.js';
import { resolveOptions } from '../crawler/options.js';
import type { CrawlerOptions } from '../crawler/options.js';
import { CrawlStateDb } from '../storage/sqlite/crawl-state-db.js';
import { AuditExtractor } from '../extractors/audit.js';
import { TitleExtractor } from '../extractors/title.js';
import { FingerprintSeenSet } from '../storage/fingerprint-seen-set.js';
import { AuditCollector } from './audit-collector.js';
import { LinkChecker } from './link-checker.js';
import { createLinkScope } from './link-scope.js';
import type { LinkTarget } from './link-scope.js';
import { resolveAuditOptions, splitAuditOptions } from './options.js';
import type { AuditCrawlerOptions, ResolvedAuditOptions } from './options.js';
import { buildAuditReport } from './report.js';
import { prepareOutDir, writeAuditFiles } from './report-files.js';
import type { AuditReport } from './report-types.js';

/**
 * A crawler that audits a site: it crawls as `Crawler` does (breadth-first, polite, robots.txt, every URL fetched
 * once) with an {@link AuditExtractor} and a `TitleExtractor` on every page, and a {@link LinkChecker} saver that
 * checks what the crawl does not fetch (subresources, links beyond the depth, sitemap entries, and external links
 * with `external`). After `run()`, {@link AuditCrawler.report} judges it all; {@link AuditCrawler.audit} does both and
 * writes the files.
 *
 * Extra `extractors` and `savers` in the options run alongside the audit's; `pages` and `records` writers receive
 * every record too. A subclass that overrides `parse()` must call `super.parse(page)`, or the audit sees no page.
 */
export class AuditCrawler extends Crawler {
  /** The validated audit options. */
  readonly auditOptions: ResolvedAuditOptions;
  readonly #checker: LinkChecker;
  readonly #collector: AuditCollector;
  readonly #classify: (url: string) => LinkTarget | null;
  #auditing = false;

  /** @throws OptionsError when a crawl or audit option is unknown or invalid (before any request). */
  constructor(options: AuditCrawlerOptions) {
    const { crawl, audit } = splitAuditOptions(options);
    const auditOptions = resolveAuditOptions(audit);
    const resolved = resolveOptions(crawl);
    const classify = createLinkScope(resolved);
    const seen = resolved.seenSet ?? new FingerprintSeenSet();
    const collector = new AuditCollector({
      onUnfollowedRedirect: (target) => checker.consider(target, true),
      pages: resolved.pages,
      records: resolved.records,
    });
    const checker = new LinkChecker({
      classify,
      seen,
      maxDepth: resolved.maxDepth,
      external: auditOptions.external,
      strict: auditOptions.strict,
      readAnchors: auditOptions.checkFragments,
      // A persisted audit's checks share the run's work slots with its pages, first come first served: at most
      // `concurrency` checks wait for one, so pages never queue behind every check found so far. Others keep every
      // check queued at once, so one slow host never holds back checks of the others.
      ...(resolved.persist ? { maxChecks: resolved.concurrency } : {}),
      isFetched: (url) => collector.isFetched(url),
      ...(auditOptions.sitemap || auditOptions.sitemapUrls.length > 0
        ? {
            sitemaps: {
              urls: auditOptions.sitemapUrls,
              discoverOrigins: auditOptions.sitemap ? [...new Set(resolved.startUrls.map((url) => new URL(url).origin))] : [],
            },
          }
        : {}),
    });
    super({
      ...crawl,
      ...persistedAudit(crawl, auditOptions),
      ...sharedAudit(crawl, auditOptions),
      extractors: [new AuditExtractor({ anchors: auditOptions.checkFragments }), new TitleExtractor(), ...(crawl.extractors ?? [])],
      savers: [checker, collector.restorer, ...(crawl.savers ?? [])],
      // A persisted run keeps its own seen-set, which the checker then shares through its context; a shared crawl's
      // seen-set is in Redis, where the checker claims (SaverContext.claim).
      ...(crawl.persist || resolved.redis ? {} : { seenSet: seen }),
      pages: collector.pages,
      records: collector.records,
    });
    this.auditOptions = auditOptions;
    this.#checker = checker;
    this.#collector = collector;
    this.#classify = classify;
  }

  /**
   * Crawls and checks (see `Crawler.run`). Creates the output directory first, when one is set.
   * @throws OptionsError when the output directory cannot be written (before any request); OutputError as `Crawler`.
   */
  override async run(): Promise<CrawlSummary> {
    if (this.#auditing) throw new CrawlError('invalid-option', 'This crawler is already running');
    this.#auditing = true;
    try {
      if (this.auditOptions.outDir !== undefined) await prepareOutDir(this.auditOptions.outDir);
      this.#collector.reset();
      return await super.run();
    } finally {
      this.#auditing = false;
    }
  }

  /** Judges what the last `run()` collected: broken links, redirects, titles, fragments, sitemaps. Pure. */
  report(summary: Pick<CrawlSummary, 'stopReason' | 'elapsedMs'>): AuditReport {
    const data = this.#collector.data;
    return buildAuditReport({
      startUrls: this.options.startUrls,
      options: this.auditOptions,
      classify: this.#classify,
      pages: data.pages,
      titles: data.titles,
      audits: data.audits,
      checks: this.#checker.results,
      sitemaps: this.#checker.sitemapScan,
      crawl: summary,
    });
  }

  /**
   * Writes `audit.json`, `audit.csv` and `report.html` (atomically) to the output directory.
   * @returns the paths written; none when no `outDir` was given.
   * @throws OutputError when a file cannot be written.
   */
  async writeReport(report: AuditReport): Promise<string[]> {
    return this.auditOptions.outDir === undefined ? [] : writeAuditFiles(report, this.auditOptions.outDir);
  }

  /** Runs the audit: crawl and checks, report, files. Resolves with the report (its `summary.failed` says whether it failed). */
  async audit(): Promise<AuditReport> {
    const summary = await this.run();
    const report = this.report(summary);
    await this.writeReport(report);
    return report;
  }
}

/** The audit options that change its report, as a persisted audit stores them (all but `outDir`). Pure. */
export function auditResultOptions(options: ResolvedAuditOptions): Record<string, unknown> {
  const { outDir: _outDir, ...rest } = options;
  return { ...rest, sitemapUrls: [...rest.sitemapUrls] };
}

/**
 * What a persisted audit adds to its crawl options: its command and options in the state, and the output directory
 * for the crawl's `pages.jsonl` and `records.jsonl`, which a resumed audit reads back for its report.
 */
function persistedAudit(crawl: CrawlerOptions, audit: ResolvedAuditOptions): Partial<CrawlerOptions> {
  const persist = crawl.persist;
  if (persist === undefined) return {};
  const outDir = crawl.outDir ?? audit.outDir;
  if (persist instanceof CrawlStateDb) return outDir === undefined ? {} : { outDir };
  return {
    ...(outDir === undefined ? {} : { outDir }),
    persist: { ...persist, command: persist.command ?? 'audit', commandOptions: auditResultOptions(audit) },
  };
}

/**
 * What a shared audit (Redis) adds to its crawl options: the command `audit`, with the audit options that change what
 * it checks and finds, by flag, so a worker with other values cannot join.
 */
function sharedAudit(crawl: CrawlerOptions, o: ResolvedAuditOptions): Partial<CrawlerOptions> {
  if (crawl.redis === undefined) return {};
  const commandOptions = {
    '--external': o.external, '--check-fragments': o.checkFragments, '--strict': o.strict, '--title-max': o.titleMax,
    '--title-min': o.titleMin, '--sitemap': o.sitemap, '--sitemap=URL': [...o.sitemapUrls],
  };
  return { redis: { ...crawl.redis, command: crawl.redis.command ?? 'audit', commandOptions } };
}

/**
 * Audits a site in one call: `new AuditCrawler(options).audit()`.
 * @throws OptionsError for an invalid option or an unwritable `outDir` (before any request); OutputError when a file cannot be written.
 */
export function runAudit(options: AuditCrawlerOptions): Promise<AuditReport> {
  return new AuditCrawler(options).audit();
}
