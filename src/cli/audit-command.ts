import { AuditCrawler } from '../audit/audit-crawler.js';
import { AUDIT_DEFAULTS } from '../audit/options.js';
import type { AuditOptions } from '../audit/options.js';
import type { PersistOptions } from '../crawler/options.js';
import { checkResumedCommandOptions } from './crawl-state.js';
import type { CrawlProgress } from '../crawler/progress.js';
import { AUDIT_HELP, parseAuditArgs } from './audit-args.js';
import type { AuditCommand } from './audit-args.js';
import { formatAuditSummary } from './audit-summary.js';
import { EXIT, parseOrExit, runCrawler } from './run-crawler.js';
import type { CliStreams } from './run-crawler.js';

/** The progress line's audit figures: URLs answered (pages and checked links) and how many are broken. */
export function auditProgressSuffix(progress: CrawlProgress): string {
  const checked = progress.pages + (progress.savers['links.checked'] ?? 0);
  const broken = progress.failed + (progress.savers['links.broken'] ?? 0);
  return `links ${checked} checked, ${broken} broken`;
}

const FLAG_OF_AUDIT_OPTION: Readonly<Record<string, string>> = {
  external: '--external',
  checkFragments: '--check-fragments',
  strict: '--strict',
  failOn: '--fail-on',
  titleMax: '--title-max',
  titleMin: '--title-min',
  sitemap: '--sitemap',
  sitemapUrls: '--sitemap',
};

/**
 * The audit options of a run: the command line's, or for `--resume` the stored ones, which audit flags given on the
 * command line (values other than the defaults) must equal.
 * @throws OptionsError naming the flag that differs.
 */
function auditOptionsOf(command: AuditCommand, stored: Readonly<Record<string, unknown>> | undefined): AuditOptions {
  if (!stored) return command.audit;
  const defaults: Record<string, unknown> = { ...AUDIT_DEFAULTS, sitemapUrls: [] };
  const given = Object.fromEntries(
    Object.entries(command.audit).filter(([name, value]) => name !== 'outDir' && JSON.stringify(value) !== JSON.stringify(defaults[name])),
  );
  checkResumedCommandOptions(command.outDir, stored, given, FLAG_OF_AUDIT_OPTION);
  return { ...(stored as AuditOptions), outDir: command.outDir };
}

/**
 * `sitecrawl audit <url...>`: crawls and checks the site, writes OUT/audit.json, OUT/audit.csv and OUT/report.html,
 * prints the summary (text, or JSON with `--format json`) on stdout, and exits 1 when anything at or above
 * `--fail-on` was found.
 */
export async function auditCommand(argv: readonly string[], streams: CliStreams): Promise<number> {
  const command = parseOrExit('audit', AUDIT_HELP, () => parseAuditArgs(argv), streams);
  if (typeof command === 'number') return command;
  const { format, quiet } = command;
  return runCrawler(command, streams, {
    name: 'audit',
    create: (options) => {
      // The CLI gives `persist` as { path, command, commandOptions? }, never an open database.
      const stored = command.resume ? ((options.persist as PersistOptions | undefined)?.commandOptions ?? {}) : undefined;
      return new AuditCrawler({ ...options, ...auditOptionsOf(command, stored) });
    },
    progressSuffix: auditProgressSuffix,
    finish: async (crawler, summary) => {
      const report = crawler.report(summary);
      const files = await crawler.writeReport(report);
      if (format === 'json') streams.stdout.write(`${JSON.stringify(report.summary, null, 2)}\n`);
      else if (!quiet) streams.stdout.write(formatAuditSummary(report, files));
      return report.summary.failed ? EXIT.failed : EXIT.ok;
    },
  });
}
