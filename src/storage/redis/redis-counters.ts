import type { ChainableCommander } from 'ioredis';
import type { RunCounters } from '../counters.js';

/**
 * The run's counters on a shared crawl: this worker's own values, in memory (increments are on the engine's hot
 * path, and the interface is synchronous), and the changes since the last flush, which {@link flushInto} adds to the
 * crawl's counters hash in Redis inside the batch that settles the pages they belong to. `get` and `snapshot` answer
 * for this worker; `sitecrawl status` reads the crawl's totals.
 */
export class RedisCounters implements RunCounters {
  readonly #values = new Map<string, number>();
  #pending = new Map<string, number>();

  /** Adds `by` (default 1) to the named counter. */
  increment(name: string, by = 1): void {
    this.#values.set(name, (this.#values.get(name) ?? 0) + by);
    if (by !== 0) this.#pending.set(name, (this.#pending.get(name) ?? 0) + by);
  }

  /** This worker's value of one counter (0 when never incremented). */
  get(name: string): number {
    return this.#values.get(name) ?? 0;
  }

  /** This worker's counters. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#values);
  }

  /** Whether changes wait to be flushed. */
  get isDirty(): boolean {
    return this.#pending.size > 0;
  }

  /** Queues the changes since the last flush into a MULTI (HINCRBY on the crawl's counters hash) and forgets them. */
  flushInto(multi: ChainableCommander, key: string): void {
    for (const [name, by] of this.#pending) multi.hincrby(key, name, by);
    this.#pending = new Map();
  }
}
