import PQueue from 'p-queue';

interface HostSlot {
  queue: PQueue;
  delayMs: number;
  /** performance.now() before which the next request to this host may not start. */
  nextStartAt: number;
}

/** What the Limiter is built with. */
export interface LimiterOptions {
  /** Tasks running at once, all hosts together. */
  concurrency: number;
  /** Tasks running at once per host. */
  perHost: number;
  /** Minimum time between the starts of two tasks for one host, in ms. */
  delayMs: number;
  /** Aborting it rejects waiting tasks and cancels pending delays. */
  signal?: AbortSignal | undefined;
}

/**
 * The one place concurrency lives: a global p-queue and one p-queue per host. A task first waits for its host, then for
 * a global slot, so a slow host never sits on global slots; a per-host delay spaces the starts of tasks to one host.
 */
export class Limiter {
  readonly #global: PQueue;
  readonly #hosts = new Map<string, HostSlot>();
  readonly #options: LimiterOptions;

  constructor(options: LimiterOptions) {
    this.#options = options;
    this.#global = new PQueue({ concurrency: options.concurrency });
  }

  /**
   * Runs `task` once its host and the global queue admit it. After the signal aborts, tasks still waiting reject with
   * its reason without running; tasks already running are left to finish (the caller decides when to cut them).
   */
  run<T>(host: string, task: () => Promise<T>): Promise<T> {
    const slot = this.#slot(host);
    const signal = this.#options.signal;
    // Not passed to p-queue as `signal`: p-queue would also reject tasks already running, and in-flight requests get
    // a grace period to finish.
    return slot.queue.add(async () => {
      signal?.throwIfAborted();
      await this.#waitForTurn(slot);
      return this.#global.add(() => {
        signal?.throwIfAborted();
        return task();
      });
    }) as Promise<T>;
  }

  /** Raises the minimum delay between requests to `host` (robots.txt Crawl-delay); never lowers the configured one. */
  setHostDelay(host: string, delayMs: number): void {
    const slot = this.#slot(host);
    slot.delayMs = Math.max(this.#options.delayMs, delayMs);
  }

  /** Tasks running now, all hosts together. */
  get running(): number {
    return this.#global.pending;
  }

  // Start-to-start spacing as Scrapy's DOWNLOAD_DELAY: each start books the next allowed start time for the host.
  async #waitForTurn(slot: HostSlot): Promise<void> {
    if (slot.delayMs <= 0) return;
    const now = performance.now();
    const startAt = Math.max(now, slot.nextStartAt);
    slot.nextStartAt = startAt + slot.delayMs;
    if (startAt > now) await abortableDelay(startAt - now, this.#options.signal);
  }

  #slot(host: string): HostSlot {
    let slot = this.#hosts.get(host);
    if (!slot) {
      slot = { queue: new PQueue({ concurrency: this.#options.perHost }), delayMs: this.#options.delayMs, nextStartAt: 0 };
      this.#hosts.set(host, slot);
    }
    return slot;
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts; the timer is always cleared. */
export function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
