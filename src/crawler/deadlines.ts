import { monotonicMs } from './clock.js';

/** One deadline in a {@link DeadlineQueue}. */
export interface Deadline {
  readonly at: number;
  readonly onExpire: () => void;
  cancelled: boolean;
}

/** Entries skipped at the head of the queue before its array is compacted. */
const COMPACT_AFTER = 1024;

/**
 * Calls each entry's `onExpire` once `delayMs` have passed since it was added, unless it was cancelled first, with a
 * single timer for all of them. Every entry waits the same `delayMs`, so deadlines arrive in order and the queue stays
 * a FIFO: adding and cancelling cost O(1), where a timer per request costs a timer list insertion, removal and an
 * object each (the fetcher's whole-exchange timeout: one entry per request).
 */
export class DeadlineQueue {
  readonly #delayMs: number;
  #entries: Deadline[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(delayMs: number) {
    this.#delayMs = delayMs;
  }

  /** Adds a deadline `delayMs` from now. */
  add(onExpire: () => void): Deadline {
    const entry: Deadline = { at: monotonicMs() + this.#delayMs, onExpire, cancelled: false };
    this.#entries.push(entry);
    if (this.#timer === undefined) this.#arm(entry.at);
    return entry;
  }

  /** Cancels a deadline (its `onExpire` is never called); cancelling twice or after it expired is harmless. */
  cancel(entry: Deadline): void {
    entry.cancelled = true;
    this.#dropCancelled();
  }

  /** Entries waiting (cancelled ones not yet dropped included). */
  get size(): number {
    return this.#entries.length - this.#head;
  }

  #dropCancelled(): void {
    const entries = this.#entries;
    while (this.#head < entries.length && (entries[this.#head] as Deadline).cancelled) this.#head++;
    if (this.#head === entries.length) {
      this.#entries = [];
      this.#head = 0;
    } else if (this.#head >= COMPACT_AFTER && this.#head * 2 >= entries.length) {
      this.#entries = entries.slice(this.#head);
      this.#head = 0;
    }
  }

  #arm(at: number): void {
    // Unreferenced: a request waiting on its answer keeps the process alive through its socket, not through this.
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - monotonicMs()));
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    const now = monotonicMs();
    this.#dropCancelled();
    while (this.#head < this.#entries.length) {
      const entry = this.#entries[this.#head] as Deadline;
      if (!entry.cancelled && entry.at > now) break;
      this.#head++;
      if (entry.cancelled) continue;
      entry.cancelled = true;
      entry.onExpire();
    }
    this.#dropCancelled();
    const next = this.#entries[this.#head];
    if (next && this.#timer === undefined) this.#arm(next.at);
  }
}
