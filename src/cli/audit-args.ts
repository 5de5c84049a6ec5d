import { AUDIT_DEFAULTS, FAIL_ON_LEVELS } from '../audit/options.js';
import type { AuditOptions, FailOn } from '../audit/options.js';
import { CRAWL_OPTIONS_HELP, UsageError, choiceFlag, crawlCommandFrom, integerFlag, parseCommandArgs } from './args.js';
import type { CrawlCommand, FlagTable } from './args.js';
import { takeSitemapFlags } from './sitemap-flags.js';

export { takeSitemapFlags } from './sitemap-flags.js';

/** What `sitecrawl audit` prints on stdout: the text summary, or the summary as JSON for scripts. */
export type AuditFormat = 'text' | 'json';

/** What `sitecrawl audit` was asked to do. */
export interface AuditCommand extends CrawlCommand {
  audit: AuditOptions;
  format: AuditFormat;
}

/** The audit's own flags, on top of the crawl flags (`--sitemap` is read before these, see {@link takeSitemapFlags}). */
export const AUDIT_FLAGS = {
  external: { type: 'boolean' },
  'check-fragments': { type: 'boolean' },
  'fail-on': { type: 'string' },
  'title-max': { type: 'string' },
  'title-min': { type: 'string' },
  strict: { type: 'boolean' },
  persist: { type: 'boolean' },
  resume: { type: 'boolean' },
} as const satisfies FlagTable;

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * Parses the arguments after `audit`: the crawl flags, the audit flags, and `--format json|text` (the audit's
 * meaning of `--format`). Pure.
 * @throws UsageError for unknown flags, missing URLs, values of the wrong kind, or `--title-min` above `--title-max`.
 */
export function parseAuditArgs(argv: readonly string[]): AuditCommand | 'help' {
  const { rest, sitemap, sitemapUrls } = takeSitemapFlags(argv);
  const parsed = parseCommandArgs(rest, AUDIT_FLAGS);
  const values = parsed.values;
  if (values['help']) return 'help';
  const format = choiceFlag<AuditFormat>('format', str(values['format']), ['text', 'json']) ?? 'text';
  const resume = values['resume'] === true;
  if (resume && values['overwrite']) throw new UsageError('--resume continues the run in OUT and --overwrite replaces it: give one of them');
  const crawl = {
    ...crawlCommandFrom({ values: { ...values, format: undefined }, positionals: parsed.positionals }, 'audit', 'sitecrawl-out', resume),
    persist: values['persist'] === true || resume,
    resume,
  };
  const titleMax = integerFlag('title-max', str(values['title-max']), 1);
  const titleMin = integerFlag('title-min', str(values['title-min']), 0);
  if ((titleMin ?? AUDIT_DEFAULTS.titleMin) > (titleMax ?? AUDIT_DEFAULTS.titleMax))
    throw new UsageError(`--title-min (${titleMin ?? AUDIT_DEFAULTS.titleMin}) must not exceed --title-max (${titleMax ?? AUDIT_DEFAULTS.titleMax})`);
  const audit: AuditOptions = {
    external: values['external'] === true,
    checkFragments: values['check-fragments'] === true,
    strict: values['strict'] === true,
    failOn: choiceFlag<FailOn>('fail-on', str(values['fail-on']), FAIL_ON_LEVELS) ?? AUDIT_DEFAULTS.failOn,
    sitemap,
    sitemapUrls,
    outDir: crawl.outDir,
  };
  if (titleMax !== undefined) audit.titleMax = titleMax;
  if (titleMin !== undefined) audit.titleMin = titleMin;
  // Failed pages are the audit's findings, not warnings: logs start at `error` unless asked otherwise.
  const logLevel = values['log-level'] === undefined ? 'error' : crawl.logLevel;
  const { outDir: _outDir, ...options } = crawl.options;
  return { ...crawl, options: { ...options, logLevel }, logLevel, audit, format };
}

/** Help text of `sitecrawl audit`. */
export const AUDIT_HELP = `Usage: sitecrawl audit <url...> [options]

Crawls the site and checks every link, image, script, stylesheet, frame and media source on every page (each
URL once), redirects, titles and meta tags; writes OUT/audit.json, OUT/audit.csv (one row per broken link per
referrer) and OUT/report.html (a self-contained page to read), and prints a summary, worst problems first.

Audit options:
      --external           also check links that leave the site (HEAD, then GET if refused); never followed
      --check-fragments    check page#fragment links against the target page's ids and named anchors
      --sitemap [URL]      check the sitemaps robots.txt lists (or /sitemap.xml); --sitemap=URL reads that one
                           (repeatable); lists sitemap URLs that fail or redirect, and orphans
      --strict             count 401, 403, 429 and 999 as broken (by default they are "unverifiable")
      --fail-on LEVEL      broken | redirects | titles | none: exit 1 when anything at or above LEVEL
                           is found (default broken; titles includes meta, orphans and content types)
      --title-max N        report titles longer than N characters (default ${AUDIT_DEFAULTS.titleMax})
      --title-min N        report titles shorter than N characters (default ${AUDIT_DEFAULTS.titleMin}; 0 turns it off)
      --format F           text | json: what goes to stdout, the summary as text or as JSON (default text)
      --persist            keep the run's state in OUT/state.db (and the crawl's pages.jsonl and records.jsonl
                           in OUT), so a stopped audit can be resumed
      --resume             continue the audit in OUT (its start URLs and options come from OUT/state.db)

Crawl options (the same as 'sitecrawl crawl', but logs default to error: failed pages are findings):
${CRAWL_OPTIONS_HELP.replace(/^ {6}--format F .*\n/m, '')}  -h, --help               show this help

Exit codes: 0 nothing at or above --fail-on was found, 1 something was (or a report file could not be written),
2 usage error (or an unusable or already used output directory), 130 interrupted.
`;
