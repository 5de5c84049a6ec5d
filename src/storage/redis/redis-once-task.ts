import type { Redis } from 'ioredis';
import type { CrawlKeys } from './crawl-keys.js';
import { runScript } from './redis-connection.js';

// A waiting worker asks for new items this often, doubling up to the maximum while nothing comes.
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 250;

/** What {@link runOnceTask} is given. */
export interface OnceTaskOptions<T> {
  redis: Redis;
  keys: CrawlKeys;
  /** This worker's id (the lock's value). */
  worker: string;
  /** How long the lock is held without renewal, in ms: a dead runner's task is taken over after it. */
  leaseMs: number;
  /** The task's name, unique in the crawl (`sitemaps`). */
  name: string;
  /** Runs the task on this worker; `publish` hands items to every worker. Its result must be JSON. */
  run: (publish: (items: readonly unknown[]) => Promise<void>) => Promise<T>;
  /** Told of every item published, on every worker (the runner's own included); items may come twice after a takeover. */
  onItems: (items: readonly unknown[]) => void | Promise<void>;
  /** A stopped worker stops waiting, and a runner stopped mid-task leaves it to another worker. */
  signal: AbortSignal;
}

/**
 * Runs a task once for all workers of a shared crawl (reading the sitemaps): the first worker to ask takes the task's
 * lock (with a lease it renews) and runs it, publishing items to a Redis list as they come and the result when done;
 * the others read the items as they are published and resolve with the stored result. A runner that dies lets its
 * lease run out and the next poll of a waiting worker takes the task over (runs it again from the start). Resolves
 * with the result, or `undefined` when `signal` aborted first.
 */
export async function runOnceTask<T>(options: OnceTaskOptions<T>): Promise<T | undefined> {
  const { redis, keys, name, signal } = options;
  let offset = 0;
  let pollMs = FIRST_POLL_MS;
  for (;;) {
    const [items, result, took] = (await runScript(redis, 'sitecrawlOncePoll', [keys.onceItems(name), keys.onceResult(name), keys.onceLock(name)], [offset, options.worker, options.leaseMs])) as [string[], string, number];
    for (const item of items) await options.onItems(JSON.parse(item) as unknown[]);
    offset += items.length;
    if (result !== '') return JSON.parse(result) as T;
    if (took === 1) return runAsOwner(options);
    if (signal.aborted) return undefined;
    if (items.length > 0) pollMs = FIRST_POLL_MS;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, pollMs);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
    pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
  }
}

async function runAsOwner<T>(options: OnceTaskOptions<T>): Promise<T> {
  const { redis, keys, name, worker, leaseMs } = options;
  const end = (result: string, mode: '1' | '0' | 'renew') =>
    runScript(redis, 'sitecrawlOnceEnd', [keys.onceResult(name), keys.onceLock(name)], [worker, result, mode, leaseMs]);
  const renewer = setInterval(() => void end('', 'renew').catch(() => undefined), Math.max(50, Math.floor(leaseMs / 3)));
  renewer.unref();
  try {
    const result = await options.run(async (items) => {
      await options.onItems(items);
      await redis.rpush(keys.onceItems(name), JSON.stringify(items));
    });
    // A run cut by a stop is not the task's result: the lock goes, and a worker still crawling runs it again.
    await end(options.signal.aborted ? '' : JSON.stringify(result), options.signal.aborted ? '0' : '1');
    return result;
  } catch (error) {
    await end('', '0').catch(() => undefined);
    throw error;
  } finally {
    clearInterval(renewer);
  }
}

/** The stored result of a once-per-crawl task (for `export`), or `undefined` while it has none. */
export async function readOnceResult<T>(redis: Redis, keys: CrawlKeys, name: string): Promise<T | undefined> {
  const text = await redis.get(keys.onceResult(name));
  return text === null ? undefined : (JSON.parse(text) as T);
}
