import type { ChainableCommander, Redis } from 'ioredis';
import { SharedStateError } from '../../errors.js';
import { ACQUIRE_HOST, ADMIT, CLAIM, INIT, ONCE_END, ONCE_POLL, PUSH, QUOTA_COMMIT, QUOTA_RESERVE, RELEASE, RENEW, SEEN_ADD, SETTLE, TAKE } from './redis-scripts.js';

/** The scripts, by the command name each is defined under, with their number of keys. */
const SCRIPTS = {
  sitecrawlInit: [2, INIT],
  sitecrawlClaim: [3, CLAIM],
  sitecrawlSettle: [2, SETTLE],
  sitecrawlRelease: [2, RELEASE],
  sitecrawlRenew: [2, RENEW],
  sitecrawlAdmit: [1, ADMIT],
  sitecrawlPush: [1, PUSH],
  sitecrawlTake: [1, TAKE],
  sitecrawlSeenAdd: [1, SEEN_ADD],
  sitecrawlAcquireHost: [2, ACQUIRE_HOST],
  sitecrawlQuotaReserve: [2, QUOTA_RESERVE],
  sitecrawlQuotaCommit: [3, QUOTA_COMMIT],
  sitecrawlOncePoll: [3, ONCE_POLL],
  sitecrawlOnceEnd: [2, ONCE_END],
} as const;

/** The name of one of the backend's Lua scripts. */
export type ScriptName = keyof typeof SCRIPTS;
/** An argument of a command: Redis takes strings, numbers and binary strings. */
export type RedisArg = string | number | Buffer;

/**
 * Calls one of the backend's scripts on a connection (the reply's promise) or queues it in a MULTI (the reply comes
 * with `exec`). ioredis sends EVALSHA and falls back to EVAL when the server lost its script cache (a restart).
 */
export function runScript(target: Redis, name: ScriptName, keys: readonly string[], args: readonly RedisArg[]): Promise<unknown>;
export function runScript(target: ChainableCommander, name: ScriptName, keys: readonly string[], args: readonly RedisArg[]): ChainableCommander;
export function runScript(target: Redis | ChainableCommander, name: ScriptName, keys: readonly string[], args: readonly RedisArg[]): unknown {
  const command = (target as unknown as Record<string, (...values: RedisArg[]) => unknown>)[name];
  if (typeof command !== 'function') throw new Error(`Redis script ${name} is not defined on this connection`);
  return command.call(target, ...keys, ...args);
}

/** A Redis URL with its password hidden, for messages and logs. Pure. */
export function safeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return url;
  }
}

/** What {@link connectRedis} is told. */
export interface RedisConnectOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`). */
  url: string;
  /**
   * How long a lost connection is retried (with backoff from 100 ms to 2 s) before every command waiting on it fails
   * with `redis-lost`, in ms. Commands issued meanwhile wait, so a Redis restarted within it loses nothing.
   */
  retryMs: number;
  /** Told when the connection drops and when it is back. */
  onConnection?: (event: 'lost' | 'back', error?: Error) => void;
}

/**
 * Connects to Redis with ioredis (imported here, on first use only, so a crawl without Redis never loads it) and
 * defines the backend's scripts. Commands issued in one turn of the event loop go out as one pipeline
 * (`enableAutoPipelining`).
 * @throws SharedStateError `redis-unreachable` when no connection can be made at the start (no retry then: a wrong
 *   address should fail at once).
 */
export async function connectRedis(options: RedisConnectOptions): Promise<Redis> {
  const { Redis } = await import('ioredis');
  let ready = false;
  let lostAt: number | undefined;
  const redis = new Redis(options.url, {
    lazyConnect: true,
    enableAutoPipelining: true,
    // Commands wait while the connection is retried; the retry strategy decides when they all fail.
    maxRetriesPerRequest: null,
    connectTimeout: Math.min(options.retryMs, 10_000),
    retryStrategy: (times) => {
      if (!ready) return null;
      lostAt ??= Date.now();
      if (Date.now() - lostAt > options.retryMs) return null;
      return Math.min(100 * 2 ** (times - 1), 2000);
    },
  });
  // Connection errors are reported through the commands that fail; without a listener ioredis would print them.
  redis.on('error', () => undefined);
  redis.on('ready', () => {
    if (lostAt !== undefined) options.onConnection?.('back');
    lostAt = undefined;
  });
  redis.on('reconnecting', () => {
    if (lostAt === undefined) options.onConnection?.('lost');
  });
  for (const [name, [numberOfKeys, lua]] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys, lua });
  try {
    await redis.connect();
    await redis.ping();
    ready = true;
  } catch (error) {
    redis.disconnect();
    throw new SharedStateError('redis-unreachable', `Cannot connect to Redis at ${safeRedisUrl(options.url)}: ${(error as Error).message}`, { cause: error });
  }
  return redis;
}

/**
 * Turns an error of a Redis command into the crawl's error: a closed or failed connection becomes `redis-lost`;
 * others (a script error) pass through.
 */
export function toSharedStateError(error: unknown, url: string, retryMs: number): unknown {
  if (error instanceof SharedStateError) return error;
  const message = (error as Error | undefined)?.message ?? String(error);
  if (/Connection is closed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Stream isn't writeable|max retries/i.test(message))
    return new SharedStateError('redis-lost', `Lost the connection to Redis at ${safeRedisUrl(url)} and it did not come back within ${retryMs} ms (${message})`, { cause: error });
  return error;
}
