import type { Redis } from 'ioredis';
import type { CrawlRequest, FrontierStore } from '../frontier-store.js';
import { decodeEntry, encodeEntry } from './crawl-keys.js';
import type { CrawlKeys } from './crawl-keys.js';
import { runScript } from './redis-connection.js';

/** What {@link RedisFrontierStore.claim} got: requests with their leases, a wait, or the end of the crawl. */
export type Claim =
  | { kind: 'claimed'; depth: number; requests: LeasedRequest[] }
  | { kind: 'wait'; depth: number }
  /** `stopReason`: `completed`, `max-pages`, or a saver's quota (`max-images`, see `RedisQuota`). */
  | { kind: 'finished'; stopReason: string }
  | { kind: 'gone' };

/** A request taken with a lease; `entry` names the lease (to renew, settle or release it). */
export interface LeasedRequest extends CrawlRequest {
  entry: string;
}

/**
 * The shared frontier in Redis: per depth, one list per host (`q:DEPTH:HOST`) of entries `[depth, url, parent]` and a
 * ring of those hosts (`hosts:DEPTH`), taken one host after another so a worker's requests spread over the hosts; and
 * a sorted set of leased entries scored by their expiry. As a plain {@link FrontierStore} (`push`, `take`, `size`) it
 * is FIFO per host and depth, without leases; the engine's workers use {@link claim}, which leases what it takes, coordinates the levels
 * and enforces maxPages across workers in one script.
 */
export class RedisFrontierStore implements FrontierStore {
  readonly #redis: Redis;
  readonly #keys: CrawlKeys;

  constructor(redis: Redis, keys: CrawlKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** Appends requests to the lists of their depth and host, in order (one script). */
  async push(requests: readonly CrawlRequest[]): Promise<void> {
    if (requests.length === 0) return;
    const entries = requests.map((request) => encodeEntry(request.depth, request.url, request.parent));
    await runScript(this.#redis, 'sitecrawlPush', [this.#keys.queued], [this.#keys.prefix, ...entries]);
  }

  /** Removes and returns up to `max` requests of `depth`, one host after another, each host's oldest first (no lease: see {@link claim}). */
  async take(depth: number, max: number): Promise<CrawlRequest[]> {
    if (max < 1) return [];
    const entries = (await runScript(this.#redis, 'sitecrawlTake', [this.#keys.queued], [this.#keys.prefix, depth, max])) as string[];
    return entries.map(decodeEntry);
  }

  /** Requests of `depth` still queued (leased ones not counted). */
  async size(depth: number): Promise<number> {
    return Number((await this.#redis.hget(this.#keys.queued, String(depth))) ?? 0);
  }

  /**
   * Claims up to `max` requests of the crawl's current depth, each leased for `leaseMs` (see the CLAIM script):
   * expired leases return to the queue first; the depth advances only when its level is empty and unleased.
   */
  async claim(max: number, leaseMs: number): Promise<Claim> {
    const keys = this.#keys;
    const reply = (await runScript(this.#redis, 'sitecrawlClaim', [keys.meta, keys.leases, keys.counters], [keys.prefix, max, leaseMs])) as unknown[];
    const kind = reply[0] as string;
    if (kind === 'claimed') {
      const entries = reply[2] as string[];
      return { kind, depth: Number(reply[1]), requests: entries.map((entry) => ({ ...decodeEntry(entry), entry })) };
    }
    if (kind === 'wait') return { kind, depth: Number(reply[1]) };
    if (kind === 'finished') return { kind, stopReason: String(reply[1] || 'completed') };
    return { kind: 'gone' };
  }

  /** Gives leased entries back to the head of their queues (a worker that stops); returns how many went back. */
  async release(entries: readonly string[]): Promise<number> {
    if (entries.length === 0) return 0;
    return Number(await runScript(this.#redis, 'sitecrawlRelease', [this.#keys.meta, this.#keys.leases], [this.#keys.prefix, ...entries]));
  }

  /** Entries leased now, all workers together. */
  async leased(): Promise<number> {
    return this.#redis.zcard(this.#keys.leases);
  }
}
