/**
 * The options that say where a run's state lives: `persist` (a SQLite file), `cache` (an HTTP cache on disk) and
 * `redis` (a crawl shared by several workers): their types and their validation, called by `resolveOptions`.
 */
import { OptionsError } from '../errors.js';
import { CrawlStateDb } from '../storage/sqlite/crawl-state-db.js';
import { MAX_TIMER_MS, describe, fail, integerRule, isIntegerIn } from './option-checks.js';

/** How `cache` serves what it holds: see {@link CrawlerOptions.cache}. */
export type CacheMode = 'revalidate' | 'prefer-cache';
/** The HTTP cache's settings, resolved. */
export interface CacheSettings {
  readonly dir: string;
  readonly mode: CacheMode;
}
/** The `redis` option: where the shared crawl lives. */
export interface RedisOptions {
  url: string;
  crawlId: string;
  /** @default 30000 */
  leaseMs?: number;
  /** @default 20000 */
  retryMs?: number;
  /** The command the crawl is (`crawl`, `images`, `audit`): a worker of another command cannot join it. @default 'crawl' */
  command?: string;
  /**
   * The command's own options that change its result (an image saver's filters, an audit's rules), JSON-serializable:
   * stored by the first worker, and a joining worker whose values differ is refused (each key is compared).
   */
  commandOptions?: Readonly<Record<string, unknown>>;
}

/** The `redis` option after validation: its defaults filled in. */
export type ResolvedRedisOptions = Readonly<Required<Omit<RedisOptions, 'command' | 'commandOptions'>> & Pick<RedisOptions, 'command' | 'commandOptions'>>;

/** The `persist` option's object form: where the state file is, and which command's run it holds. */
export interface PersistOptions {
  /** The state file (created when missing; its directory too). */
  path: string;
  /** The command the run belongs to (`crawl`, `images`, `audit`): a state of another command is refused. @default 'crawl' */
  command?: string;
  /**
   * The command's own options that change its result (an image saver's filters, an audit's rules), JSON-serializable:
   * stored with a new run, and compared (each key) when it is resumed, like the crawl's own.
   */
  commandOptions?: Readonly<Record<string, unknown>>;
}

const CACHE_MODES: readonly CacheMode[] = ['revalidate', 'prefer-cache'];

/** Validates `persist`: a state file's path (with its command), or an open database. */
export function resolvePersist(input: Record<string, unknown>): Readonly<PersistOptions> | CrawlStateDb | undefined {
  const value = input['persist'];
  if (value === undefined) return undefined;
  const rule = 'an object { path } naming the state file (with optional command and commandOptions), or a CrawlStateDb';
  let object: PersistOptions | undefined;
  if (!(value instanceof CrawlStateDb)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('persist', rule, value);
    const { path, command, commandOptions, ...rest } = value as Record<string, unknown>;
    if (typeof path !== 'string' || path.length === 0 || Object.keys(rest).length > 0) fail('persist', rule, value);
    if (command !== undefined && (typeof command !== 'string' || command === '')) fail('persist', rule, value);
    if (commandOptions !== undefined && (typeof commandOptions !== 'object' || commandOptions === null || Array.isArray(commandOptions))) fail('persist', rule, value);
    object = { path, ...(command === undefined ? {} : { command }), ...(commandOptions === undefined ? {} : { commandOptions: commandOptions as Record<string, unknown> }) };
  }
  for (const other of ['frontierStore', 'seenSet'] as const)
    if (input[other] !== undefined) throw new OptionsError('persist', `\`persist\` keeps the frontier and the seen-set itself: leave out \`${other}\``);
  if (input['format'] === 'csv') throw new OptionsError('persist', "`persist` writes JSON Lines outputs: use `format: 'jsonl'`");
  return value instanceof CrawlStateDb ? value : Object.freeze(object as PersistOptions);
}

/** Validates `cache`, filling in its mode. */
export function resolveCache(input: Record<string, unknown>): CacheSettings | undefined {
  const value = input['cache'];
  if (value === undefined) return undefined;
  const rule = "an object { dir, mode? } with mode 'revalidate' or 'prefer-cache'";
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('cache', rule, value);
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) if (key !== 'dir' && key !== 'mode') throw new OptionsError('cache', `Unknown cache setting \`${key}\``);
  if (typeof given['dir'] !== 'string' || given['dir'] === '') fail('cache', `${rule} (dir a directory path)`, given['dir']);
  const mode = given['mode'] ?? 'revalidate';
  if (!CACHE_MODES.includes(mode as CacheMode)) fail('cache', rule, mode);
  return Object.freeze({ dir: given['dir'], mode: mode as CacheMode });
}

const REDIS_KEYS = new Set(['url', 'crawlId', 'leaseMs', 'retryMs', 'command', 'commandOptions']);

/** Validates `redis`, filling in its lease and retry times. */
export function resolveRedis(input: Record<string, unknown>): ResolvedRedisOptions | undefined {
  const value = input['redis'];
  if (value === undefined) return undefined;
  const rule = 'an object { url, crawlId, leaseMs?, retryMs? }';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('redis', rule, value);
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) if (!REDIS_KEYS.has(key)) throw new OptionsError('redis', `Unknown redis setting \`${key}\``);
  const url = given['url'];
  if (typeof url !== 'string' || !URL.canParse(url) || !/^rediss?:$/.test(new URL(url).protocol))
    throw new OptionsError('redis', `Expected \`redis.url\` to be a redis:// or rediss:// URL, got ${describe(url)}`);
  const crawlId = given['crawlId'];
  if (typeof crawlId !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(crawlId))
    throw new OptionsError('redis', `Expected \`redis.crawlId\` to be 1 to 100 letters, digits, '.', '_' or '-', got ${describe(crawlId)}`);
  const leaseMs = given['leaseMs'] ?? 30_000;
  if (!isIntegerIn(leaseMs, 100, MAX_TIMER_MS)) throw new OptionsError('redis', `Expected \`redis.leaseMs\` to be ${integerRule(100, MAX_TIMER_MS, leaseMs)}, got ${describe(leaseMs)}`);
  const retryMs = given['retryMs'] ?? 20_000;
  if (!isIntegerIn(retryMs, 0, MAX_TIMER_MS)) throw new OptionsError('redis', `Expected \`redis.retryMs\` to be ${integerRule(0, MAX_TIMER_MS, retryMs)}, got ${describe(retryMs)}`);
  const command = given['command'];
  if (command !== undefined && (typeof command !== 'string' || command === ''))
    throw new OptionsError('redis', `Expected \`redis.command\` to be a command name, got ${describe(command)}`);
  const commandOptions = given['commandOptions'];
  if (commandOptions !== undefined && (typeof commandOptions !== 'object' || commandOptions === null || Array.isArray(commandOptions)))
    throw new OptionsError('redis', `Expected \`redis.commandOptions\` to be an object, got ${describe(commandOptions)}`);
  for (const other of ['persist', 'frontierStore', 'seenSet'] as const)
    if (input[other] !== undefined) throw new OptionsError('redis', `\`redis\` keeps the crawl's state in Redis: leave out \`${other}\``);
  return Object.freeze({
    url, crawlId, leaseMs, retryMs,
    ...(command !== undefined ? { command } : {}),
    ...(commandOptions !== undefined ? { commandOptions: commandOptions as Readonly<Record<string, unknown>> } : {}),
  });
}
