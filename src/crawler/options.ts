import type { Logger } from 'pino';
import type { Extractor } from '../extractors/extractor.js';
import type { Saver } from '../extractors/saver.js';
import type { DatasetWriter } from '../storage/dataset.js';
import type { FrontierStore } from '../storage/frontier-store.js';
import type { SeenSet } from '../storage/seen-set.js';
import type { CrawlStateDb } from '../storage/sqlite/crawl-state-db.js';
import type { PageRecord } from './page-record.js';
import { availableParallelism } from 'node:os';
import { AUTO_THROTTLE_DEFAULTS } from './auto-throttle.js';
import type { AutoThrottleSettings } from './auto-throttle.js';
import { OptionsError } from '../errors.js';
import type { AddressFilter } from './public-address.js';
import { REQUEST_OPTION_KEYS, requestOptions } from './request-options.js';
import { MAX_TIMER_MS, describe, fail, integerRule, isIntegerIn } from './option-checks.js';
import { resolveCache, resolvePersist, resolveRedis } from './state-options.js';
import type { CacheMode, CacheSettings, PersistOptions, RedisOptions, ResolvedRedisOptions } from './state-options.js';

export { MAX_TIMER_MS } from './option-checks.js';
export type { CacheMode, CacheSettings, PersistOptions, RedisOptions, ResolvedRedisOptions } from './state-options.js';
import type { Auth, CookiesOption, ResolvedCookies } from './request-options.js';
import { VERSION } from './version.js';

/** How far from its start URL a link may lead and still be crawled. */
export type Scope = 'host' | 'origin' | 'domain' | 'prefix' | 'any';
/** Output formats of the dataset files. */
export type OutputFormat = 'jsonl' | 'csv';
/** pino levels, plus `silent`. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Everything a crawl can be told. Every field is optional except `startUrls`. Counts and sizes are safe integers
 * (at most 2^53-1); times in ms are at most {@link MAX_TIMER_MS} (2147483647), the longest delay a Node timer takes.
 */
export interface CrawlerOptions {
  /** Where the crawl starts (depth 0). At least one absolute http(s) URL. */
  startUrls: readonly string[];
  /** Pages of depth <= maxDepth are fetched; pages at maxDepth are parsed but their links are not followed. @default 3 */
  maxDepth?: number;
  /** Requests in flight at once, all hosts together. @default 16 */
  concurrency?: number;
  /** Requests in flight at once to one host. @default 4 */
  perHost?: number;
  /** Minimum time between the starts of two requests to one host, in ms (robots.txt Crawl-delay may raise it); at most 2147483647. @default 0 */
  delayMs?: number;
  /**
   * Adapt each host's delay and concurrency to how it answers, like Scrapy's AutoThrottle: the delay moves towards
   * latency / targetConcurrency, 429/503 and network failures halve the host's concurrency and double its delay, and
   * successes grow concurrency back up to `perHost`. `delayMs` and Crawl-delay stay the floor. `true` uses the
   * defaults (targetConcurrency 2, startDelayMs 1000, maxDelayMs 60000); both delays are at most 2147483647 ms. @default false
   */
  autoThrottle?: boolean | { targetConcurrency?: number; startDelayMs?: number; maxDelayMs?: number };
  /** Which links count as part of the site. @default 'host' */
  scope?: Scope;
  /** Regular expressions: when any is given, a URL must match one of them to be crawled. @default [] */
  include?: readonly (string | RegExp)[];
  /** Regular expressions: a URL matching any of them is not crawled. @default [] */
  exclude?: readonly (string | RegExp)[];
  /** Stop after this many pages have been fetched (robots.txt requests not counted). @default Infinity */
  maxPages?: number;
  /** Total time allowed for one request (connect, headers and body), in ms; at most 2147483647. @default 30000 */
  timeoutMs?: number;
  /** Retries after a network error, a 429 or a 5xx answer. @default 2 */
  retries?: number;
  /** First retry waits about this long (then doubled each time, with jitter, up to 30 s), in ms; at most 2147483647. @default 500 */
  retryDelayMs?: number;
  /** Longest wait a Retry-After header can ask for before the request is given up, in ms; at most 2147483647. @default 60000 */
  maxRetryAfterMs?: number;
  /** Redirect hops followed per request. @default 10 */
  maxRedirects?: number;
  /** Body size cap in bytes (after decompression); longer bodies are cut and recorded as `truncated`. @default 10485760 */
  maxBytes?: number;
  /** User-Agent header; robots.txt rules for its product token apply as well as those for `sitecrawl`. @default 'sitecrawl/<version> (+<homepage>)' */
  userAgent?: string;
  /** Fetch and obey robots.txt (Crawl-delay included). @default true */
  obeyRobots?: boolean;
  /** Follow links marked rel=nofollow. @default false */
  followNofollow?: boolean;
  /**
   * Refuse to connect to internal addresses: loopback, private, link-local (cloud metadata), unique-local and the
   * other special-purpose ranges ({@link isPublicAddress}). Checked on the addresses DNS gives, when the connection is
   * made, for pages, redirect hops, robots.txt, images and link checks; a refused request is recorded as
   * `blocked-address` and not retried, and nothing is sent. Turn it on whenever the start URLs or the sites come from
   * someone else. A function replaces the rule: it gets each address a connection would go to and returns `true` to
   * allow it. @default false
   */
  denyPrivateAddresses?: boolean | AddressFilter;
  /** Longest URL crawled, in characters (crawl-trap guard). @default 2048 */
  maxUrlLength?: number;
  /** Most times one path segment may repeat in a URL's path before it is taken for a trap. @default 3 */
  maxRepeatedSegments?: number;
  /** Sort query parameters during normalization, so `?b=1&a=2` and `?a=2&b=1` are one URL. @default false */
  sortQuery?: boolean;
  /** Drop the whole query string during normalization. @default false */
  stripQuery?: boolean;
  /** Query parameter names to drop during normalization; a trailing `*` matches a prefix (`utm_*`). @default [] */
  stripParams?: readonly string[];
  /** Content types (besides HTML) whose bodies are read and handed to `parse()`, e.g. `application/json`. @default [] */
  contentTypes?: readonly string[];
  /**
   * The most worker threads that parse HTML, so parsing uses every core; the pool starts with one and grows while
   * every worker is busy, the process gets the CPU they look busy for, and the backlog is worth another. Used when `parse()` is not overridden and every extractor
   * has a `workerSpec()` (the built-in ones do); otherwise pages are parsed on the main thread. 0 turns workers off.
   * @default os.availableParallelism()
   */
  workers?: number;
  /** Extractors run by the default `parse()` on every HTML page. @default [] */
  extractors?: readonly Extractor<object>[];
  /** Savers that act on the downloads extractors ask for (saving images, checking links), by download kind. @default [] */
  savers?: readonly Saver[];
  /** Directory for `pages.<format>` and `records.<format>`; created if missing. @default undefined (no files) */
  outDir?: string;
  /** File format used with `outDir`. @default 'jsonl' */
  format?: OutputFormat;
  /** Receives one record per fetched URL (in addition to `outDir`). @default undefined */
  pages?: DatasetWriter<PageRecord>;
  /** Receives every record returned by `parse()` (in addition to `outDir`). @default undefined */
  records?: DatasetWriter<Record<string, unknown>>;
  /** Stops the crawl when aborted: nothing new is scheduled, in-flight requests get `stopGraceMs` to finish. */
  signal?: AbortSignal;
  /** How long in-flight requests may run on after an abort before they are cut, in ms; at most 2147483647. @default 5000 */
  stopGraceMs?: number;
  /** How often `progress` events fire, in ms; at least 10, at most 2147483647. @default 1000 */
  progressIntervalMs?: number;
  /** A pino logger to log through (its level wins). @default a JSON logger on stderr */
  logger?: Logger;
  /** Level of the default logger. @default 'info' */
  logLevel?: LogLevel;
  /**
   * Where the frontier (URLs per depth) is kept. A store passed here is not closed by the run.
   * @default a `SpillingFrontierStore`: 100,000 requests per depth in memory, the rest in temporary files removed when the run ends
   */
  frontierStore?: FrontierStore;
  /** Where the seen-set (normalized URLs already discovered) is kept. @default a `FingerprintSeenSet` (64-bit fingerprints in memory) */
  seenSet?: SeenSet;
  /**
   * Keep the crawl's state (frontier, seen-set, counters, depth, options) in a SQLite file, committed once per settled
   * batch of pages, so a stopped or killed run can be resumed: `{ path }` opens (or creates) the file, and the run
   * closes it at the end; a {@link CrawlStateDb} is used as is and left open. A run started on a state that holds an
   * unfinished run resumes it (the options that change the result must be the same), one on a finished run returns
   * its summary without a request. Not with `frontierStore`, `seenSet` or `format: 'csv'`. See docs/RESUMING.md.
   * @default undefined (state in memory)
   */
  persist?: PersistOptions | CrawlStateDb;
  /**
   * Extra request headers (`{ 'X-Api-Key': '...' }`), sent to in-scope hosts only (with scope `any`, the start URLs'
   * hosts); `Authorization` and `Cookie` go only to the start URLs' origins, as `auth` does. Not `User-Agent` (use
   * `userAgent`), `Host`, `Accept-Encoding` or hop-by-hop headers. Values are never logged, recorded or persisted.
   * See docs/crawling.md#request-control. @default {}
   */
  headers?: Readonly<Record<string, string>>;
  /**
   * Credentials for the start URLs' origins (an `http://` start's `https://` upgrade too): `{ username, password }`
   * (HTTP Basic) or `{ bearer }` (`Authorization: Bearer`). Never sent to another origin (a link or a redirect elsewhere goes without them), never logged, recorded
   * or persisted (a resumed run must be given them again). @default undefined
   */
  auth?: Auth;
  /**
   * A cookie jar per crawl (tough-cookie): Set-Cookie answers are kept (redirect hops included) and sent back to the
   * hosts they belong to, as Scrapy does. `false` turns cookies off; `{ file }` loads a Netscape cookies.txt first
   * (the format browsers' exporters and curl write). Cookie values are never logged. @default true
   */
  cookies?: CookiesOption;
  /**
   * Send every request (pages, robots.txt, images, link checks) through a proxy: an `http://` or `https://` proxy URL
   * (credentials in it become Proxy-Authorization and are redacted in logs), or `'env'` to follow HTTP_PROXY,
   * HTTPS_PROXY and NO_PROXY. With `denyPrivateAddresses`, the proxy's own address is allowed (you chose it) and the
   * target's is checked as it resolves here. @default undefined (direct connections)
   */
  proxy?: string;
  /**
   * Add the URLs the sites' sitemaps list to the start URLs, at depth 0 (Scrapy's SitemapSpider, Crawlee's
   * SitemapRequestList); scope, include/exclude and the seen-set apply as to links. `true` reads the sitemaps each
   * start origin's robots.txt lists (`Sitemap:` lines), or `/sitemap.xml` when it lists none; a list names sitemaps
   * (or sitemap indexes, gzipped or not) to read, and a `https://host/robots.txt` in it stands for that origin's
   * sitemaps. robots.txt is fetched once per origin for both its rules and its sitemaps. Each file is read up to the
   * protocol's 50,000 URLs and 50 MB; one that is not well-formed XML is logged and skipped. See docs/crawling.md.
   * @default false
   */
  sitemaps?: boolean | readonly string[];
  /**
   * Keep HTTP responses in a cache on disk (a SQLite file in `dir`, created if missing), so a run repeated while
   * developing a parser does not download the site again. `mode: 'revalidate'` (the default) follows HTTP caching
   * (RFC 9111): fresh responses are reused, stale ones are revalidated with If-None-Match / If-Modified-Since, so an
   * unchanged page costs a 304. `mode: 'prefer-cache'` reuses any stored response without asking the server, however
   * old (like an offline mode; pages not stored yet are fetched and stored). `no-store` responses are never kept.
   * Page records then say `cached: true` when the body came from the cache. See docs/crawling.md.
   * @default undefined (no cache)
   */
  cache?: { dir: string; mode?: CacheMode };
  /**
   * Make this run one worker of a crawl shared through Redis by any number of processes and machines (see
   * docs/SCALING.md): `url` (`redis://HOST:PORT/DB`), `crawlId` (letters, digits, `.`, `_`, `-`), `leaseMs` (how long
   * a claimed URL stays this worker's without renewal: a dead worker's URLs go back to the others after it; default
   * 30000), `retryMs` (how long a lost connection is retried before the run stops; default 20000). The first worker
   * stores the options; a joining worker whose result options differ is refused (`OptionsError` naming the option).
   * Page records also go to the crawl's results stream (`sitecrawl export`). Not with `persist`, `frontierStore` or
   * `seenSet`. @default undefined (a crawl of this process alone)
   */
  redis?: RedisOptions;
}

/** Options after validation: complete, frozen, trusted by the engine without re-checking. */
export interface ResolvedOptions
  extends Required<Omit<CrawlerOptions, 'outDir' | 'pages' | 'records' | 'signal' | 'logger' | 'frontierStore' | 'seenSet' | 'include' | 'exclude' | 'autoThrottle' | 'persist' | 'headers' | 'auth' | 'cookies' | 'proxy' | 'sitemaps' | 'cache' | 'redis'>> {
  /** Sitemaps to read for seeds, and robots.txt URLs whose origins' sitemaps are read; empty when none. */
  readonly sitemaps: readonly string[];
  readonly cache: CacheSettings | undefined;
  /** The adaptive throttle's settings, or `undefined` when it is off. */
  readonly autoThrottle: AutoThrottleSettings | undefined;
  readonly startUrls: readonly string[];
  readonly include: readonly RegExp[];
  readonly exclude: readonly RegExp[];
  readonly outDir: string | undefined;
  readonly pages: DatasetWriter<PageRecord> | undefined;
  readonly records: DatasetWriter<Record<string, unknown>> | undefined;
  readonly signal: AbortSignal | undefined;
  readonly logger: Logger | undefined;
  readonly frontierStore: FrontierStore | undefined;
  readonly seenSet: SeenSet | undefined;
  readonly persist: Readonly<PersistOptions> | CrawlStateDb | undefined;
  readonly redis: ResolvedRedisOptions | undefined;
  /** Extra headers by lower-case name. */
  readonly headers: Readonly<Record<string, string>>;
  readonly auth: Readonly<Auth> | undefined;
  readonly cookies: ResolvedCookies;
  /** The proxy URL, `'env'`, or `undefined`. */
  readonly proxy: string | undefined;
}

export { VERSION };
/** Where the default User-Agent points people who see sitecrawl in their logs. */
export const HOMEPAGE = 'https://github.com/sitecrawl/sitecrawl';

/** Defaults of every option that has one. */
export const DEFAULTS = Object.freeze({
  maxDepth: 3,
  concurrency: 16,
  perHost: 4,
  delayMs: 0,
  scope: 'host' as Scope,
  maxPages: Number.POSITIVE_INFINITY,
  timeoutMs: 30_000,
  retries: 2,
  retryDelayMs: 500,
  maxRetryAfterMs: 60_000,
  maxRedirects: 10,
  maxBytes: 10 * 1024 * 1024,
  userAgent: `sitecrawl/${VERSION} (+${HOMEPAGE})`,
  obeyRobots: true,
  followNofollow: false,
  denyPrivateAddresses: false as boolean | AddressFilter,
  maxUrlLength: 2048,
  maxRepeatedSegments: 3,
  sortQuery: false,
  stripQuery: false,
  format: 'jsonl' as OutputFormat,
  stopGraceMs: 5000,
  progressIntervalMs: 1000,
  workers: availableParallelism(),
  logLevel: 'info' as LogLevel,
});

const SCOPES: readonly Scope[] = ['host', 'origin', 'domain', 'prefix', 'any'];
const FORMATS: readonly OutputFormat[] = ['jsonl', 'csv'];
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const KNOWN_KEYS = new Set<string>([
  'startUrls', ...Object.keys(DEFAULTS), 'autoThrottle', 'include', 'exclude', 'stripParams', 'contentTypes', 'extractors', 'savers', 'outDir',
  'pages', 'records', 'signal', 'logger', 'frontierStore', 'seenSet', 'persist', ...REQUEST_OPTION_KEYS, 'sitemaps', 'cache', 'redis',
]);

function integer(input: Record<string, unknown>, name: keyof typeof DEFAULTS, min: number, max = Number.MAX_SAFE_INTEGER, allowInfinity = false): number {
  const value = input[name] ?? DEFAULTS[name];
  if (allowInfinity && value === Number.POSITIVE_INFINITY) return value;
  if (!isIntegerIn(value, min, max)) fail(name, integerRule(min, max, value), value);
  return value;
}

/** A time in ms: an integer from `min` to {@link MAX_TIMER_MS}. */
function milliseconds(input: Record<string, unknown>, name: keyof typeof DEFAULTS, min: number): number {
  return integer(input, name, min, MAX_TIMER_MS);
}

function boolean(input: Record<string, unknown>, name: keyof typeof DEFAULTS): boolean {
  const value = input[name] ?? DEFAULTS[name];
  if (typeof value !== 'boolean') fail(name, 'true or false', value);
  return value;
}

function oneOf<T extends string>(input: Record<string, unknown>, name: keyof typeof DEFAULTS, allowed: readonly T[]): T {
  const value = input[name] ?? DEFAULTS[name];
  if (!allowed.includes(value as T)) fail(name, `one of ${allowed.join(', ')}`, value);
  return value as T;
}

function stringList(input: Record<string, unknown>, name: string): string[] {
  const value = input[name] ?? [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.length > 0))
    fail(name, 'an array of non-empty strings', value);
  return [...value];
}

function patterns(input: Record<string, unknown>, name: 'include' | 'exclude'): RegExp[] {
  const value = input[name] ?? [];
  if (!Array.isArray(value)) fail(name, 'an array of regular expressions', value);
  return value.map((item: unknown) => {
    if (item instanceof RegExp) return item;
    if (typeof item !== 'string') fail(name, 'an array of regular expressions', item);
    try {
      return new RegExp(item);
    } catch {
      return fail(name, 'an array of valid regular expressions', item);
    }
  });
}

function startUrls(input: Record<string, unknown>): string[] {
  const value = input['startUrls'];
  if (!Array.isArray(value) || value.length === 0) fail('startUrls', 'a non-empty array of http(s) URLs', value);
  return value.map((item: unknown) => {
    let url: URL | undefined;
    try {
      url = typeof item === 'string' ? new URL(item) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      throw new OptionsError('startUrls', `Expected \`startUrls\` to hold absolute http(s) URLs, got ${describe(item)}`);
    // Credentials in a URL would be written to every record and log line that names it, and undici drops them anyway.
    if (url.username || url.password)
      throw new OptionsError('startUrls', `Expected \`startUrls\` without credentials (user:password@): give them as \`auth\` (the CLI: --auth), got ${url.protocol}//***@${url.host}${url.pathname}`);
    return url.href;
  });
}

function optionalObject<T>(input: Record<string, unknown>, name: string, check: (value: object) => boolean, rule: string): T | undefined {
  const value = input[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || !check(value)) fail(name, rule, value);
  return value as T;
}

const hasMethods = (...names: string[]) => (value: object) =>
  names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');

function autoThrottle(input: Record<string, unknown>, perHost: number): AutoThrottleSettings | undefined {
  const value = input['autoThrottle'] ?? false;
  if (value === false) return undefined;
  if (value !== true && (typeof value !== 'object' || value === null || Array.isArray(value)))
    fail('autoThrottle', 'true, false or an object of throttle settings', value);
  const given = value === true ? {} : (value as Record<string, unknown>);
  for (const key of Object.keys(given)) {
    if (!(key in AUTO_THROTTLE_DEFAULTS)) throw new OptionsError('autoThrottle', `Unknown autoThrottle setting \`${key}\``);
  }
  const settings = { ...AUTO_THROTTLE_DEFAULTS, ...given };
  if (typeof settings.targetConcurrency !== 'number' || !(settings.targetConcurrency > 0) || !Number.isFinite(settings.targetConcurrency))
    fail('autoThrottle', 'an object whose targetConcurrency is a finite number > 0', settings.targetConcurrency);
  for (const key of ['startDelayMs', 'maxDelayMs'] as const) {
    const ms = settings[key];
    if (!isIntegerIn(ms, 0, MAX_TIMER_MS)) fail('autoThrottle', `an object whose ${key} is ${integerRule(0, MAX_TIMER_MS, ms)}`, ms);
  }
  return Object.freeze({ ...(settings as Omit<AutoThrottleSettings, 'maxConcurrency'>), maxConcurrency: perHost });
}

function addressRule(input: Record<string, unknown>): boolean | AddressFilter {
  const value = input['denyPrivateAddresses'] ?? DEFAULTS.denyPrivateAddresses;
  if (typeof value !== 'boolean' && typeof value !== 'function') fail('denyPrivateAddresses', 'true, false or a function (address) => boolean', value);
  return value as boolean | AddressFilter;
}

/** `true` -> the start origins' robots.txt URLs; a list -> its http(s) URLs; `false` -> none. */
function sitemaps(input: Record<string, unknown>, starts: readonly string[]): string[] {
  const value = input['sitemaps'] ?? false;
  if (value === false) return [];
  if (value === true) return [...new Set(starts.map((url) => `${new URL(url).origin}/robots.txt`))];
  const rule = 'true, false or an array of absolute http(s) sitemap URLs';
  if (!Array.isArray(value)) fail('sitemaps', rule, value);
  return [
    ...new Set(
      value.map((item: unknown) => {
        const url = typeof item === 'string' ? URL.parse(item) : null;
        if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) fail('sitemaps', rule, item);
        return url.href;
      }),
    ),
  ];
}

/**
 * Validates options once, at the boundary: rejects unknown keys (a typo fails loudly) and bad values, fills defaults,
 * and returns a frozen object the engine trusts. The CLI builds the same input and calls this too.
 * @throws OptionsError naming the option, the rule and the value received.
 */
export function resolveOptions(options: CrawlerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new OptionsError('options', 'Expected options to be an object');
  const input = options as unknown as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.has(key)) throw new OptionsError(key, `Unknown option \`${key}\``);
  }
  const outDir = input['outDir'];
  if (outDir !== undefined && (typeof outDir !== 'string' || outDir.length === 0)) fail('outDir', 'a directory path', outDir);
  const userAgent = input['userAgent'] ?? DEFAULTS.userAgent;
  if (typeof userAgent !== 'string' || userAgent.trim() === '' || /[\r\n]/.test(userAgent))
    fail('userAgent', 'a one-line non-empty string', userAgent);
  const extractors = input['extractors'] ?? [];
  if (!Array.isArray(extractors) || !extractors.every((item) => hasMethods('extract')(item as object)))
    fail('extractors', 'an array of Extractor instances', extractors);
  const savers = input['savers'] ?? [];
  if (!Array.isArray(savers) || !savers.every((item) => hasMethods('open', 'add', 'close')(item as object)))
    fail('savers', 'an array of Savers', savers);
  const signal = input['signal'];
  if (signal !== undefined && !(signal instanceof AbortSignal)) fail('signal', 'an AbortSignal', signal);

  const perHost = integer(input, 'perHost', 1);
  const starts = startUrls(input);
  return Object.freeze({
    startUrls: starts,
    sitemaps: Object.freeze(sitemaps(input, starts)),
    cache: resolveCache(input),
    autoThrottle: autoThrottle(input, perHost),
    maxDepth: integer(input, 'maxDepth', 0),
    concurrency: integer(input, 'concurrency', 1),
    perHost,
    delayMs: milliseconds(input, 'delayMs', 0),
    scope: oneOf(input, 'scope', SCOPES),
    include: patterns(input, 'include'),
    exclude: patterns(input, 'exclude'),
    maxPages: integer(input, 'maxPages', 1, Number.MAX_SAFE_INTEGER, true),
    timeoutMs: milliseconds(input, 'timeoutMs', 1),
    retries: integer(input, 'retries', 0),
    retryDelayMs: milliseconds(input, 'retryDelayMs', 0),
    maxRetryAfterMs: milliseconds(input, 'maxRetryAfterMs', 0),
    maxRedirects: integer(input, 'maxRedirects', 0),
    maxBytes: integer(input, 'maxBytes', 1),
    userAgent,
    obeyRobots: boolean(input, 'obeyRobots'),
    followNofollow: boolean(input, 'followNofollow'),
    denyPrivateAddresses: addressRule(input),
    maxUrlLength: integer(input, 'maxUrlLength', 16),
    maxRepeatedSegments: integer(input, 'maxRepeatedSegments', 1),
    sortQuery: boolean(input, 'sortQuery'),
    stripQuery: boolean(input, 'stripQuery'),
    stripParams: stringList(input, 'stripParams'),
    contentTypes: stringList(input, 'contentTypes').map((type) => type.toLowerCase()),
    extractors: [...(extractors as Extractor<object>[])],
    savers: [...(savers as Saver[])],
    outDir: outDir as string | undefined,
    format: oneOf(input, 'format', FORMATS),
    pages: optionalObject<DatasetWriter<PageRecord>>(input, 'pages', hasMethods('write', 'close'), 'a DatasetWriter'),
    records: optionalObject<DatasetWriter<Record<string, unknown>>>(input, 'records', hasMethods('write', 'close'), 'a DatasetWriter'),
    signal: signal as AbortSignal | undefined,
    stopGraceMs: milliseconds(input, 'stopGraceMs', 0),
    progressIntervalMs: milliseconds(input, 'progressIntervalMs', 10),
    workers: integer(input, 'workers', 0),
    logger: optionalObject<Logger>(input, 'logger', hasMethods('child', 'info'), 'a pino Logger'),
    logLevel: oneOf(input, 'logLevel', LOG_LEVELS),
    frontierStore: optionalObject<FrontierStore>(input, 'frontierStore', hasMethods('push', 'take', 'size'), 'a FrontierStore'),
    seenSet: optionalObject<SeenSet>(input, 'seenSet', hasMethods('has', 'add'), 'a SeenSet'),
    persist: resolvePersist(input),
    redis: resolveRedis(input),
    ...requestOptions(input),
  });
}
