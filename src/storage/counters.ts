/**
 * The run's counters (pages done and failed, bytes, skips by reason, pages per depth). Kept behind an interface so a
 * shared store (Redis) can aggregate several machines later; increments are fire-and-forget by design.
 */
export interface RunCounters {
  /** Adds `by` (default 1) to the named counter. */
  increment(name: string, by?: number): void;
  /** The value of one counter (0 when never incremented). */
  get(name: string): number;
  /** All counters at this moment. */
  snapshot(): Record<string, number>;
}

/** Counters in a Map. */
export class MemoryCounters implements RunCounters {
  readonly #values = new Map<string, number>();

  increment(name: string, by = 1): void {
    this.#values.set(name, (this.#values.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.#values.get(name) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#values);
  }
}
