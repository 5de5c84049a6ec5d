import type { Redis } from 'ioredis';
import type { CrawlKeys } from './crawl-keys.js';
import { runScript } from './redis-connection.js';

/** How often a worker asks again for a host whose slots are all taken, in ms (with jitter). */
const POLL_MS = 15;

/**
 * `perHost` and the delay between requests to one host, held by every worker of a crawl together: a host's slots are
 * tokens in a sorted set scored by lease expiry (so a dead worker's slots come back), and the earliest next start is
 * kept per host. A worker asks with {@link acquire} and gives the slot back with {@link release}; its tokens are
 * renewed with its leases.
 */
export class RedisHostGate {
  readonly #redis: Redis;
  readonly #keys: CrawlKeys;
  readonly #worker: string;
  readonly #leaseMs: number;
  #next = 0;
  /** Tokens held now: token -> host. */
  readonly held = new Map<string, string>();

  constructor(redis: Redis, keys: CrawlKeys, worker: string, leaseMs: number) {
    this.#redis = redis;
    this.#keys = keys;
    this.#worker = worker;
    this.#leaseMs = leaseMs;
  }

  /**
   * Waits until `host` has a free slot across all workers and `delayMs` has passed since the last start there; returns
   * the token to release. Rejects with the signal's reason when it aborts.
   */
  async acquire(host: string, perHost: number, delayMs: number, signal?: AbortSignal): Promise<string> {
    const token = `${this.#worker}:${this.#next++}`;
    for (;;) {
      signal?.throwIfAborted();
      const waitMs = Number(
        await runScript(this.#redis, 'sitecrawlAcquireHost', [this.#keys.host(host), this.#keys.pace], [host, token, perHost, delayMs, this.#leaseMs, POLL_MS]),
      );
      if (waitMs <= 0) {
        this.held.set(token, host);
        return token;
      }
      await sleep(waitMs + Math.random() * POLL_MS, signal);
    }
  }

  /** Gives a slot back. */
  async release(token: string): Promise<void> {
    const host = this.held.get(token);
    if (host === undefined) return;
    this.held.delete(token);
    await this.#redis.zrem(this.#keys.host(host), token);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
