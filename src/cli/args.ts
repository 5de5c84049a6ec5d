import { parseArgs } from 'node:util';
import { MAX_TIMER_MS } from '../crawler/options.js';
import type { CacheMode, CrawlerOptions, LogLevel, OutputFormat, Scope } from '../crawler/options.js';
import { sitemapsOption, takeSitemapFlags } from './sitemap-flags.js';

/** A command-line mistake: reported in one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What `sitecrawl crawl` was asked to do. */
export interface CrawlCommand {
  options: CrawlerOptions;
  outDir: string;
  /** `--overwrite`: replace an earlier run's outputs in `outDir` (otherwise such a directory is refused). */
  overwrite: boolean;
  quiet: boolean;
  logLevel: LogLevel;
  logFile: string | undefined;
  /** `crawl --persist`: keep the run's state in OUT/state.db as it goes. */
  persist?: boolean;
  /** `crawl --resume`: continue the run whose state is in OUT/state.db (start URLs then come from it). */
  resume?: boolean;
  /** `--clear` (with `--redis` and `--crawl-id`): remove the shared crawl's keys instead of crawling. */
  clear?: boolean;
}

/** A parseArgs option table. */
export type FlagTable = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** The option table shared by every crawling command: flag -> parseArgs config. */
export const CRAWL_FLAGS = {
  depth: { type: 'string', short: 'd' },
  concurrency: { type: 'string', short: 'c' },
  'per-host': { type: 'string' },
  delay: { type: 'string' },
  'auto-throttle': { type: 'boolean' },
  scope: { type: 'string' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  'max-pages': { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
  'max-redirects': { type: 'string' },
  'max-bytes': { type: 'string' },
  'user-agent': { type: 'string' },
  'ignore-robots': { type: 'boolean' },
  'follow-nofollow': { type: 'boolean' },
  'deny-private': { type: 'boolean' },
  'sort-query': { type: 'boolean' },
  'strip-query': { type: 'boolean' },
  'strip-param': { type: 'string', multiple: true },
  workers: { type: 'string' },
  header: { type: 'string', short: 'H', multiple: true },
  auth: { type: 'string' },
  bearer: { type: 'string' },
  cookies: { type: 'string' },
  'no-cookies': { type: 'boolean' },
  proxy: { type: 'string' },
  cache: { type: 'string' },
  'cache-mode': { type: 'string' },
  out: { type: 'string', short: 'o' },
  overwrite: { type: 'boolean' },
  format: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'log-level': { type: 'string' },
  'log-file': { type: 'string' },
  redis: { type: 'string' },
  'crawl-id': { type: 'string' },
  'lease-ms': { type: 'string' },
  'redis-retry': { type: 'string' },
  clear: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagTable;

/** The CLI flag that sets each crawler option, so validation errors can name what the user typed. */
export const FLAG_OF_OPTION: Readonly<Record<string, string>> = {
  startUrls: '<url>',
  maxDepth: '--depth',
  concurrency: '--concurrency',
  perHost: '--per-host',
  delayMs: '--delay',
  scope: '--scope',
  include: '--include',
  exclude: '--exclude',
  maxPages: '--max-pages',
  timeoutMs: '--timeout',
  retries: '--retries',
  maxRedirects: '--max-redirects',
  maxBytes: '--max-bytes',
  userAgent: '--user-agent',
  stripParams: '--strip-param',
  workers: '--workers',
  outDir: '--out',
  format: '--format',
  logLevel: '--log-level',
  obeyRobots: '--ignore-robots',
  followNofollow: '--follow-nofollow',
  sortQuery: '--sort-query',
  stripQuery: '--strip-query',
  persist: '--persist',
  redis: '--redis',
  headers: '--header',
  auth: '--auth/--bearer',
  cookies: '--cookies',
  proxy: '--proxy',
  sitemaps: '--sitemap',
  cache: '--cache',
};

/**
 * Parses a whole number from `min` to `max` given to `flag` (digits only: no sign, fraction or exponent), or throws a
 * UsageError naming the flag: `--depth must be a whole number >= 0, got -1`. The range is shown when `max` is a real
 * limit (times in ms stop at {@link MAX_TIMER_MS}) or the value passed it; `max` defaults to the largest safe integer.
 */
export function integerFlag(flag: string, text: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined) return undefined;
  const value = /^-?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  // `-0` passes as 0.
  if (value >= min && value <= max) return value === 0 ? 0 : value;
  const rule = max < Number.MAX_SAFE_INTEGER || value > max ? `between ${min} and ${max}` : `>= ${min}`;
  // A plain token reads best as typed (`got -1`); quotes show an empty value or one with spaces.
  const shown = /^[!-~]+$/.test(text) && !text.includes('"') ? text : JSON.stringify(text);
  throw new UsageError(`--${flag} must be a whole number ${rule}, got ${shown}`);
}

/** Checks a flag's value against its allowed choices, or throws a UsageError naming the flag. */
export function choiceFlag<T extends string>(flag: string, text: string | undefined, allowed: readonly T[]): T | undefined {
  if (text === undefined) return undefined;
  if (!allowed.includes(text as T)) throw new UsageError(`--${flag} expects one of ${allowed.join(', ')}, got ${JSON.stringify(text)}`);
  return text as T;
}

/**
 * Turns `-H 'Name: value'` flags into a headers object, curl's syntax: the name, a colon, the value (spaces around it
 * trimmed). Values are never echoed in messages: they may be secrets. Pure.
 * @throws UsageError for a flag without a colon or a name given twice.
 */
export function headerFlags(texts: readonly string[] | undefined): Record<string, string> | undefined {
  if (texts === undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const text of texts) {
    const colon = text.indexOf(':');
    const name = colon === -1 ? '' : text.slice(0, colon).trim();
    if (name === '') throw new UsageError("--header expects 'Name: value' (a header name, a colon, then the value)");
    if (Object.keys(headers).some((other) => other.toLowerCase() === name.toLowerCase())) throw new UsageError(`--header ${name} is given twice`);
    headers[name] = text.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * Turns `--auth user:password` or `--bearer TOKEN` into the `auth` option (the password may hold colons). Pure.
 * @throws UsageError for both flags at once, or `--auth` without a colon (never echoing what was given).
 */
export function authFlags(basic: string | undefined, bearer: string | undefined): CrawlerOptions['auth'] {
  if (basic !== undefined && bearer !== undefined) throw new UsageError('--auth and --bearer both set Authorization: give one of them');
  if (bearer !== undefined) return { bearer };
  if (basic === undefined) return undefined;
  const colon = basic.indexOf(':');
  if (colon === -1) throw new UsageError('--auth expects user:password (the password after the first colon)');
  return { username: basic.slice(0, colon), password: basic.slice(colon + 1) };
}

/** Turns `--cookies FILE` and `--no-cookies` into the `cookies` option. Pure. @throws UsageError for both at once. */
function cookieFlags(file: string | undefined, off: boolean): CrawlerOptions['cookies'] {
  if (file !== undefined && off) throw new UsageError('--cookies loads cookies and --no-cookies turns them off: give one of them');
  return off ? false : file === undefined ? undefined : { file };
}

/** Drops undefined values so option defaults apply. */
function defined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/** Parsed flags and positionals of a command line. */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

// What a value that only looks like an option starts with: a minus sign and a digit or a point (`-1`, `-0.5`, `-.5`).
const NEGATIVE_NUMBER = /^-[\d.]/;

/**
 * Joins each value-taking flag with a following argument that looks like a negative number (`-d -1` becomes
 * `--depth=-1`), so validation can say what is wrong with it. parseArgs would take `-1` for an option and answer
 * "Option '-d' argument is ambiguous". Arguments after `--` are left alone. Pure.
 */
export function joinNegativeValues(argv: readonly string[], flags: FlagTable): string[] {
  const takesValue = new Map<string, string>();
  for (const [name, config] of Object.entries(flags)) {
    if (config.type !== 'string') continue;
    takesValue.set(`--${name}`, name);
    if (config.short !== undefined) takesValue.set(`-${config.short}`, name);
  }
  const joined: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === '--') {
      joined.push(...argv.slice(index));
      break;
    }
    const name = takesValue.get(arg);
    const next = argv[index + 1];
    if (name !== undefined && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      joined.push(`--${name}=${next}`);
      index++;
    } else joined.push(arg);
  }
  return joined;
}

/**
 * Parses a command's arguments against the shared crawl flags plus the command's own. A value-taking flag followed by
 * a negative number takes it as its value (see {@link joinNegativeValues}). Pure.
 * @throws UsageError for unknown flags or missing values.
 */
export function parseCommandArgs(argv: readonly string[], extraFlags: FlagTable = {}): ParsedArgs {
  const options = { ...CRAWL_FLAGS, ...extraFlags };
  try {
    const { values, positionals } = parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    const message = (error as Error).message;
    // parseArgs calls a flag followed by another option "ambiguous"; say what is missing instead.
    const flag = /use '(--[\w-]+)=-XYZ'/.exec(message)?.[1];
    if (flag !== undefined) throw new UsageError(`${flag} needs a value (write ${flag}=VALUE for one that starts with -)`);
    throw new UsageError(message.split('\n')[0] ?? 'invalid arguments');
  }
}

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
const list = (value: unknown) => (Array.isArray(value) ? (value as string[]) : undefined);

/**
 * Turns the shared crawl flags into crawler options (start URLs from the positionals). Pure.
 * @throws UsageError for missing or invalid URLs and values of the wrong kind.
 */
export function crawlCommandFrom({ values, positionals }: ParsedArgs, command: string, defaultOutDir: string, urlsOptional = false): CrawlCommand {
  if (positionals.length === 0 && !urlsOptional) throw new UsageError(`${command} needs at least one start URL`);
  for (const url of positionals) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
      throw new UsageError(`not an absolute http(s) URL: ${JSON.stringify(url)}`);
  }
  const redis = sharedCrawl(values);
  const logLevel = choiceFlag<LogLevel>('log-level', str(values['log-level']), ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) ?? 'warn';
  const outDir = str(values['out']) ?? defaultOutDir;
  // A worker of a shared crawl records into Redis (sitecrawl export); it writes files of its own only when -o says where.
  const localOutDir = redis && command === 'crawl' && values['out'] === undefined ? undefined : outDir;
  const cacheMode = choiceFlag<CacheMode>('cache-mode', str(values['cache-mode']), ['revalidate', 'prefer-cache']);
  const cacheDir = str(values['cache']);
  if (cacheMode !== undefined && cacheDir === undefined) throw new UsageError('--cache-mode needs --cache DIR');
  if (cacheDir === '') throw new UsageError('--cache needs a directory');
  const options: CrawlerOptions = defined({
    // Left out (and taken from the state) when `--resume` is given without URLs.
    startUrls: (positionals.length > 0 ? positionals : undefined) as string[],
    maxDepth: integerFlag('depth', str(values['depth']), 0),
    concurrency: integerFlag('concurrency', str(values['concurrency']), 1),
    perHost: integerFlag('per-host', str(values['per-host']), 1),
    delayMs: integerFlag('delay', str(values['delay']), 0, MAX_TIMER_MS),
    autoThrottle: values['auto-throttle'] ? true : undefined,
    scope: choiceFlag<Scope>('scope', str(values['scope']), ['host', 'origin', 'domain', 'prefix', 'any']),
    include: list(values['include']),
    exclude: list(values['exclude']),
    maxPages: integerFlag('max-pages', str(values['max-pages']), 1),
    timeoutMs: integerFlag('timeout', str(values['timeout']), 1, MAX_TIMER_MS),
    retries: integerFlag('retries', str(values['retries']), 0),
    maxRedirects: integerFlag('max-redirects', str(values['max-redirects']), 0),
    maxBytes: integerFlag('max-bytes', str(values['max-bytes']), 1),
    userAgent: str(values['user-agent']),
    obeyRobots: values['ignore-robots'] ? false : undefined,
    followNofollow: values['follow-nofollow'] ? true : undefined,
    denyPrivateAddresses: values['deny-private'] ? true : undefined,
    sortQuery: values['sort-query'] ? true : undefined,
    stripQuery: values['strip-query'] ? true : undefined,
    stripParams: list(values['strip-param']),
    workers: integerFlag('workers', str(values['workers']), 0),
    headers: headerFlags(list(values['header'])),
    auth: authFlags(str(values['auth']), str(values['bearer'])),
    cookies: cookieFlags(str(values['cookies']), values['no-cookies'] === true),
    proxy: str(values['proxy']),
    cache: cacheDir === undefined ? undefined : { dir: cacheDir, ...(cacheMode ? { mode: cacheMode } : {}) },
    format: choiceFlag<OutputFormat>('format', str(values['format']), ['jsonl', 'csv']),
    outDir: localOutDir,
    logLevel,
    redis,
  });
  const clear = values['clear'] === true;
  if (clear && !redis) throw new UsageError('--clear removes a shared crawl: give --redis URL and --crawl-id NAME');
  if (clear && command !== 'crawl') throw new UsageError('--clear: remove a shared crawl with sitecrawl crawl --redis URL --crawl-id NAME --clear');
  return { options, outDir, overwrite: values['overwrite'] === true, quiet: values['quiet'] === true, logLevel, logFile: str(values['log-file']), ...(clear ? { clear } : {}) };
}

/** The `redis` option from `--redis`, `--crawl-id`, `--lease-ms` and `--redis-retry`. Pure. @throws UsageError */
function sharedCrawl(values: ParsedArgs['values']): CrawlerOptions['redis'] {
  const url = str(values['redis']);
  const crawlId = str(values['crawl-id']);
  const leaseMs = integerFlag('lease-ms', str(values['lease-ms']), 100, MAX_TIMER_MS);
  const retryMs = integerFlag('redis-retry', str(values['redis-retry']), 0, MAX_TIMER_MS);
  if (url === undefined) {
    const stray = crawlId !== undefined ? '--crawl-id' : leaseMs !== undefined ? '--lease-ms' : retryMs !== undefined ? '--redis-retry' : undefined;
    if (stray) throw new UsageError(`${stray} belongs to a shared crawl: give --redis URL too`);
    return undefined;
  }
  if (!URL.canParse(url) || !/^rediss?:$/.test(new URL(url).protocol)) throw new UsageError(`--redis expects redis://HOST:PORT/DB, got ${JSON.stringify(url)}`);
  if (crawlId === undefined) throw new UsageError('--redis needs --crawl-id NAME (the same on every worker of the crawl)');
  return defined({ url, crawlId, leaseMs, retryMs }) as NonNullable<CrawlerOptions['redis']>;
}

/**
 * Parses the arguments after `crawl` into crawler options. Pure: no I/O.
 * @throws UsageError for unknown flags, missing URLs or values of the wrong kind.
 */
export function parseCrawlArgs(argv: readonly string[]): CrawlCommand | 'help' {
  const sitemapFlags = takeSitemapFlags(argv);
  const parsed = parseCommandArgs(sitemapFlags.rest, { persist: { type: 'boolean' }, resume: { type: 'boolean' } });
  if (parsed.values['help']) return 'help';
  const resume = parsed.values['resume'] === true;
  if (resume && parsed.values['overwrite']) throw new UsageError('--resume continues the run in OUT and --overwrite replaces it: give one of them');
  const command = crawlCommandFrom(parsed, 'crawl', 'sitecrawl-out', resume);
  const sitemaps = sitemapsOption(sitemapFlags, parsed.positionals);
  if (sitemaps !== undefined) command.options = { ...command.options, sitemaps };
  if (resume && command.options.format === 'csv') throw new UsageError('--resume continues a JSON Lines run: leave out --format csv');
  if (parsed.values['persist'] && command.options.format === 'csv') throw new UsageError('--persist writes JSON Lines outputs: leave out --format csv');
  if (command.options.redis && (resume || parsed.values['persist'])) throw new UsageError('--redis keeps the crawl\'s state in Redis: leave out --persist and --resume');
  return { ...command, persist: parsed.values['persist'] === true || resume, resume };
}

/** Help lines of the crawl flags every crawling command takes. */
export const CRAWL_OPTIONS_HELP = `  -d, --depth N            follow links up to N levels from the start URLs (default 3)
  -c, --concurrency N      requests in flight, all hosts together (default 16)
      --per-host N         requests in flight per host (default 4, polite to other people's sites; on a
                           server of your own, -c 32 --per-host 32 crawls several times faster)
      --delay MS           minimum time between requests to one host, at most 2147483647 (default 0)
      --auto-throttle      adapt each host's delay and concurrency to its latency and to 429/503 answers
      --scope S            host | origin | domain | prefix | any (default host)
      --include REGEX      only crawl URLs matching REGEX (repeatable)
      --exclude REGEX      never crawl URLs matching REGEX (repeatable)
      --max-pages N        stop after N pages
      --timeout MS         total time per request, at most 2147483647 (default 30000)
      --retries N          retries on network errors, 429 and 5xx (default 2)
      --max-redirects N    redirect hops per request (default 10)
      --max-bytes B        body size cap, longer bodies are cut (default 10485760)
      --user-agent UA      User-Agent header (robots.txt rules for it apply too)
      --ignore-robots      do not obey robots.txt (nor fetch it, unless --sitemap reads its Sitemap: lines)
      --follow-nofollow    follow rel=nofollow links
      --deny-private       refuse loopback, private and link-local addresses (checked after DNS)
      --sort-query         treat URLs differing only in parameter order as one
      --strip-query        drop query strings
      --strip-param NAME   drop a query parameter, NAME may end in * (repeatable)
      --workers N          most threads parsing HTML, 0 parses on the main thread (default: CPU count)
  -H, --header 'N: V'      send header N with value V to in-scope hosts (repeatable); Authorization and
                           Cookie go to the start URLs' origins only
      --auth USER:PASS     HTTP Basic credentials for the start URLs' origins (never sent elsewhere)
      --bearer TOKEN       send Authorization: Bearer TOKEN to the start URLs' origins
      --cookies FILE       load a Netscape cookies.txt (as browsers' exporters and curl write) first
      --no-cookies         keep no cookies (by default Set-Cookie answers are kept and sent back)
      --proxy URL          send every request through an http(s) proxy; 'env' follows HTTP_PROXY,
                           HTTPS_PROXY and NO_PROXY
      --cache DIR          keep HTTP responses in DIR (a SQLite file), so a repeated run need not download again
      --cache-mode M       revalidate: reuse fresh responses, revalidate stale ones (an unchanged page costs a 304)
                           | prefer-cache: reuse any stored response without asking the server (default revalidate)
  -o, --out DIR            output directory (default ./sitecrawl-out)
      --overwrite          replace an earlier run's outputs in DIR (without it such a DIR is refused)
      --format F           jsonl | csv (default jsonl)
  -q, --quiet              no progress and no summary
      --log-level L        fatal | error | warn | info | debug | trace | silent (default warn)
      --log-file FILE      write logs (JSON lines) to FILE instead of stderr
      --redis URL          be one worker of a crawl shared through Redis (redis://HOST:PORT/DB); see docs/SCALING.md
      --crawl-id NAME      the shared crawl's id, the same on every worker (with --redis)
      --lease-ms MS        a dead worker's URLs go back to the others after MS (default 30000)
      --redis-retry MS     how long a lost Redis connection is retried before the worker stops (default 20000)
      --clear              remove the shared crawl's keys from Redis (with --redis and --crawl-id) and exit
`;

/** Help text of `sitecrawl crawl`. */
export const CRAWL_HELP = `Usage: sitecrawl crawl <url...> [options]

Crawls breadth-first from the start URLs and writes one record per fetched URL to OUT/pages.jsonl
(and what extractors found, such as titles, to OUT/records.jsonl).

Options:
      --sitemap [URL]      also start from the URLs the sitemaps list (robots.txt Sitemap: lines, or
                           /sitemap.xml); --sitemap=URL reads that sitemap or index (repeatable)
${CRAWL_OPTIONS_HELP}      --persist            keep the run's state in OUT/state.db, so a stopped run can be resumed
      --resume             continue the run in OUT (its start URLs and options come from OUT/state.db)
  -h, --help               show this help

Exit codes: 0 the crawl ran (even if some pages failed), 1 output failed, 2 usage error (or an unusable or
already used output directory), 130 interrupted.
`;
