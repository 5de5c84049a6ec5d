/**
 * Tasks in flight, counted, with a way to wait for the next one to settle. `Promise.race` over the pending set does
 * the same but attaches a reaction to every pending task on each call: a crawl level of n pages in a window of w
 * costs n × w reactions, and each keeps its race alive until the slowest task settles.
 */
export class SettleCounter {
  #size = 0;
  #wake: (() => void) | undefined;
  #next: Promise<void> | undefined;
  #failure: { error: unknown } | undefined;

  /** Tasks tracked and not yet settled. */
  get size(): number {
    return this.#size;
  }

  /** Counts `task` until it settles. A rejection is rethrown by the next `settleOne()` or `settleAll()`. */
  track(task: Promise<unknown>): void {
    this.#size++;
    task.then(
      () => this.#settled(),
      (error: unknown) => {
        this.#failure ??= { error };
        this.#settled();
      },
    );
  }

  /** Resolves when the next task settles (at once when none is in flight). */
  async settleOne(): Promise<void> {
    this.#throwFailure();
    if (this.#size === 0) return;
    this.#next ??= new Promise<void>((resolve) => (this.#wake = resolve));
    await this.#next;
    this.#throwFailure();
  }

  /** Resolves when every task has settled. */
  async settleAll(): Promise<void> {
    while (this.#size > 0) await this.settleOne();
    this.#throwFailure();
  }

  #settled(): void {
    this.#size--;
    const wake = this.#wake;
    this.#wake = undefined;
    this.#next = undefined;
    wake?.();
  }

  #throwFailure(): void {
    if (this.#failure) throw this.#failure.error;
  }
}
