import { OptionsError } from '../errors.js';
import type { CrawlerOptions } from '../crawler/options.js';

/** How much makes an audit fail (exit code 1): a level and everything more severe. `none` never fails. */
export type FailOn = 'broken' | 'redirects' | 'titles' | 'none';

/** The audit's own options, next to the crawl's. */
export interface AuditOptions {
  /** Check links that leave the crawl's scope (HEAD first, GET when HEAD is refused); they are never followed. @default false */
  external?: boolean;
  /** Check `page#fragment` links against the target page's ids and named anchors. @default false */
  checkFragments?: boolean;
  /** Count 401, 403, 429 and 999 answers (sites that block robots) as broken rather than unverifiable. @default false */
  strict?: boolean;
  /** The least severe level that makes {@link AuditReport.summary} `failed`: broken < redirects < titles. @default 'broken' */
  failOn?: FailOn;
  /** Titles longer than this many characters are reported (a safe integer, at most 2^53-1). @default 60 */
  titleMax?: number;
  /** Titles shorter than this many characters are reported (0 turns the check off). @default 10 */
  titleMin?: number;
  /** Read the sitemaps robots.txt lists (`/sitemap.xml` when it lists none) for every start origin. @default false */
  sitemap?: boolean;
  /** Sitemaps (or sitemap indexes) to read, as absolute URLs. @default [] */
  sitemapUrls?: readonly string[];
  /** Directory for `audit.json`, `audit.csv` and `report.html`; created if missing. @default undefined (no files) */
  outDir?: string;
}

/** What `AuditCrawler` and `runAudit` take: the crawl's options and the audit's, in one object. */
export type AuditCrawlerOptions = CrawlerOptions & AuditOptions;

/** Audit options after validation: complete and frozen. */
export interface ResolvedAuditOptions extends Readonly<Required<Omit<AuditOptions, 'outDir' | 'sitemapUrls'>>> {
  readonly sitemapUrls: readonly string[];
  readonly outDir: string | undefined;
}

/** Defaults of the audit options. */
export const AUDIT_DEFAULTS = Object.freeze({
  external: false,
  checkFragments: false,
  strict: false,
  failOn: 'broken' as FailOn,
  titleMax: 60,
  titleMin: 10,
  sitemap: false,
});

/** The levels of `failOn`, most severe first. */
export const FAIL_ON_LEVELS: readonly FailOn[] = ['broken', 'redirects', 'titles', 'none'];
const AUDIT_KEYS: ReadonlySet<string> = new Set([...Object.keys(AUDIT_DEFAULTS), 'sitemapUrls', 'outDir']);

function fail(name: string, rule: string, value: unknown): never {
  throw new OptionsError(name, `Expected \`${name}\` to be ${rule}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
}

function flag(input: AuditOptions, name: 'external' | 'checkFragments' | 'strict' | 'sitemap'): boolean {
  const value = input[name] ?? AUDIT_DEFAULTS[name];
  if (typeof value !== 'boolean') fail(name, 'true or false', value);
  return value;
}

function whole(input: AuditOptions, name: 'titleMax' | 'titleMin', min: number): number {
  const value = input[name] ?? AUDIT_DEFAULTS[name];
  if (!Number.isInteger(value) || value < min || value > Number.MAX_SAFE_INTEGER)
    fail(name, value > Number.MAX_SAFE_INTEGER ? `an integer between ${min} and ${Number.MAX_SAFE_INTEGER}` : `an integer >= ${min}`, value);
  return value;
}

function httpUrls(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail('sitemapUrls', 'an array of absolute http(s) URLs', value);
  return value.map((item: unknown) => {
    if (typeof item !== 'string' || !URL.canParse(item) || !/^https?:$/.test(new URL(item).protocol))
      fail('sitemapUrls', 'an array of absolute http(s) URLs', item);
    return new URL(item).href;
  });
}

/**
 * Validates the audit's options and fills defaults.
 * @throws OptionsError naming the option, the rule and the value received (`titleMin` above `titleMax` included).
 */
export function resolveAuditOptions(input: AuditOptions): ResolvedAuditOptions {
  const failOn = input.failOn ?? AUDIT_DEFAULTS.failOn;
  if (!FAIL_ON_LEVELS.includes(failOn)) fail('failOn', `one of ${FAIL_ON_LEVELS.join(', ')}`, failOn);
  const titleMax = whole(input, 'titleMax', 1);
  const titleMin = whole(input, 'titleMin', 0);
  if (titleMin > titleMax) throw new OptionsError('titleMin', `Expected \`titleMin\` (${titleMin}) to be at most \`titleMax\` (${titleMax})`);
  const outDir = input.outDir;
  if (outDir !== undefined && (typeof outDir !== 'string' || outDir.length === 0)) fail('outDir', 'a directory path', outDir);
  return Object.freeze({
    external: flag(input, 'external'),
    checkFragments: flag(input, 'checkFragments'),
    strict: flag(input, 'strict'),
    failOn,
    titleMax,
    titleMin,
    sitemap: flag(input, 'sitemap'),
    sitemapUrls: Object.freeze(httpUrls(input.sitemapUrls)),
    outDir,
  });
}

/** Splits one options object into the crawl's options and the audit's. Pure. */
export function splitAuditOptions(options: AuditCrawlerOptions): { crawl: CrawlerOptions; audit: AuditOptions } {
  const crawl: Record<string, unknown> = {};
  const audit: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) (AUDIT_KEYS.has(key) ? audit : crawl)[key] = value;
  return { crawl: crawl as unknown as CrawlerOptions, audit: audit as AuditOptions };
}
