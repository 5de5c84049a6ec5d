import type { Redis } from 'ioredis';
import type { CrawlKeys } from './crawl-keys.js';
import { runScript } from './redis-connection.js';

/** What {@link RedisQuota.reserve} answered (see the QUOTA_RESERVE script). */
export type QuotaReservation =
  | { status: 'taken' | 'busy' | 'full' | 'reached' }
  | { status: 'done'; value: string };

/**
 * A limit counted for all workers of a shared crawl together (the image saver's `maxImages`): a unit is reserved by
 * key (an image's SHA-256) before the work it counts, then committed with a value (its record) or released. Committed
 * plus reserved units never pass `max`; the commit that reaches it finishes the crawl in Redis with `max-NAME` as its
 * stop reason, so every worker's next claim ends it. Reservations carry the worker's lease (renewed with its other
 * leases, see `held`), so a dead worker's come back. {@link reached} aborts once this worker learns the limit is
 * reached: from a reservation, a commit, {@link refresh} or {@link noteStop}.
 */
export class RedisQuota {
  readonly #redis: Redis;
  readonly #keys: CrawlKeys;
  readonly #leaseMs: number;
  readonly #reached = new AbortController();
  /** Keys reserved by this worker and not committed or released. */
  readonly #held = new Set<string>();

  constructor(redis: Redis, keys: CrawlKeys, readonly name: string, readonly max: number, leaseMs: number) {
    this.#redis = redis;
    this.#keys = keys;
    this.#leaseMs = leaseMs;
  }

  /** Aborts once the workers together committed `max` units. */
  get reached(): AbortSignal {
    return this.#reached.signal;
  }

  /** The crawl's stop reason when this quota ends it. */
  get stopReason(): string {
    return `max-${this.name}`;
  }

  /** This worker's reservations as sorted-set key / member pairs, for the lease renewal. */
  *held(): Iterable<readonly [string, string]> {
    const key = this.#keys.quotaHeld(this.name);
    for (const member of this.#held) yield [key, member];
  }

  /** Reads how many units are committed; aborts {@link reached} when `max` are. */
  async refresh(): Promise<void> {
    if ((await this.#redis.hlen(this.#keys.quotaDone(this.name))) >= this.max) this.#reached.abort();
  }

  /** Reserves one unit for `key` (see {@link QuotaReservation}). */
  async reserve(key: string): Promise<QuotaReservation> {
    const reply = (await runScript(this.#redis, 'sitecrawlQuotaReserve', [this.#keys.quotaDone(this.name), this.#keys.quotaHeld(this.name)], [key, this.max, this.#leaseMs])) as [string, string?];
    const status = reply[0];
    if (status === 'done') return { status, value: reply[1] ?? '' };
    if (status === 'reached') this.#reached.abort();
    if (status === 'taken') this.#held.add(key);
    return { status: status as 'taken' | 'busy' | 'full' | 'reached' };
  }

  /** Counts the unit reserved for `key`, keeping `value` for the workers that reserve the key later. */
  async commit(key: string, value: string): Promise<void> {
    this.#held.delete(key);
    const keys = this.#keys;
    const used = Number(await runScript(this.#redis, 'sitecrawlQuotaCommit', [keys.quotaDone(this.name), keys.quotaHeld(this.name), keys.meta], [key, value, this.max, this.stopReason]));
    if (used >= this.max) this.#reached.abort();
  }

  /** Frees the unit reserved for `key` (the work it was for did not count). */
  async release(key: string): Promise<void> {
    this.#held.delete(key);
    await this.#redis.zrem(this.#keys.quotaHeld(this.name), key);
  }

  /** Told the crawl's stop reason (a claim found the crawl finished): aborts {@link reached} when it is this quota's. */
  noteStop(stopReason: string): void {
    if (stopReason === this.stopReason) this.#reached.abort();
  }
}
