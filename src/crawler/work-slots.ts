/**
 * A counting semaphore with first-come, first-served waiters: at most `size` holders at once. A persisted run uses
 * one of `concurrency` slots to bound the work it has started and not yet committed (see `RunState.inProgress`).
 */
export class WorkSlots {
  /** Holders allowed at once. */
  readonly size: number;
  #held = 0;
  readonly #waiting: Array<() => void> = [];
  #head = 0;

  constructor(size: number) {
    this.size = size;
  }

  /** Slots held now. */
  get held(): number {
    return this.#held;
  }

  /** Resolves once a slot is this caller's; give it back with {@link release}. */
  acquire(): Promise<void> {
    if (this.#held < this.size) {
      this.#held++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Gives a slot back: the longest waiter takes it, else it is free. */
  release(): void {
    if (this.#head < this.#waiting.length) {
      const next = this.#waiting[this.#head] as () => void;
      this.#waiting[this.#head++] = noop;
      // Compacted once the served prefix is half the array, so a long run's queue stays small.
      if (this.#head * 2 >= this.#waiting.length) {
        this.#waiting.splice(0, this.#head);
        this.#head = 0;
      }
      next();
      return;
    }
    this.#held--;
  }
}

const noop = () => undefined;
