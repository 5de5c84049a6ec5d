import { AuditCrawler } from '../audit/audit-crawler.js';
import type { CrawlProgress } from '../crawler/progress.js';
import { AUDIT_HELP, parseAuditArgs } from './audit-args.js';
import { formatAuditSummary } from './audit-summary.js';
import { EXIT, parseOrExit, runCrawler } from './run-crawler.js';
import type { CliStreams } from './run-crawler.js';

/** The progress line's audit figures: URLs answered (pages and checked links) and how many are broken. */
export function auditProgressSuffix(progress: CrawlProgress): string {
  const checked = progress.pages + (progress.savers['links.checked'] ?? 0);
  const broken = progress.failed + (progress.savers['links.broken'] ?? 0);
  return `links ${checked} checked, ${broken} broken`;
}

/**
 * `sitecrawl audit <url...>`: crawls and checks the site, writes OUT/audit.json, OUT/audit.csv and OUT/report.html,
 * prints the summary (text, or JSON with `--format json`) on stdout, and exits 1 when anything at or above
 * `--fail-on` was found.
 */
export async function auditCommand(argv: readonly string[], streams: CliStreams): Promise<number> {
  const command = parseOrExit('audit', AUDIT_HELP, () => parseAuditArgs(argv), streams);
  if (typeof command === 'number') return command;
  const { audit, format, quiet } = command;
  return runCrawler(command, streams, {
    name: 'audit',
    create: (options) => new AuditCrawler({ ...options, ...audit }),
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
