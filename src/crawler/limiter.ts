import PQueue from 'p-queue';
import { adjustThrottle, initialThrottle } from './auto-throttle.js';
import type { AutoThrottleSettings, HostThrottle, LatencySample } from './auto-throttle.js';
import { MAX_TIMER_MS } from './options.js';

interface HostSlot {
  queue: PQueue;
  delayMs: number;
  /** The delay the host may never go below: the configured delay or robots.txt Crawl-delay. */
  floorMs: number;
  /** The adaptive throttle's state, when it is on. */
  throttle: HostThrottle | undefined;
  /** performance.now() of the latest start booked for this host (it may lie in the future while a task waits). */
  lastStartAt: number;
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
  /** Adapt each host's delay and concurrency to its latency and to 429/503 answers (see `observe`). */
  autoThrottle?: AutoThrottleSettings | undefined;
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
   * Every request is paced, robots.txt included: Crawl-delay asks for a pause between any two requests (as Scrapy,
   * which fetches robots.txt through the same slot).
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
    slot.floorMs = Math.max(this.#options.delayMs, delayMs);
    slot.delayMs = Math.max(slot.delayMs, slot.floorMs);
  }

  /**
   * Tells the limiter how a request to `host` went. With the adaptive throttle on, the host's delay and concurrency
   * follow (see `adjustThrottle`); otherwise nothing happens.
   */
  observe(host: string, sample: LatencySample): void {
    const settings = this.#options.autoThrottle;
    if (!settings) return;
    const slot = this.#slot(host);
    slot.throttle = adjustThrottle(slot.throttle ?? initialThrottle(settings, slot.floorMs), sample, slot.floorMs, settings);
    slot.delayMs = slot.throttle.delayMs;
    slot.queue.concurrency = Math.max(1, Math.floor(slot.throttle.concurrency));
  }

  /** The delay and concurrency a host runs with now (for progress and tests). */
  hostState(host: string): { delayMs: number; concurrency: number } {
    const slot = this.#slot(host);
    return { delayMs: slot.delayMs, concurrency: slot.queue.concurrency };
  }

  /** Tasks running now, all hosts together. */
  get running(): number {
    return this.#global.pending;
  }

  // Start-to-start spacing as Scrapy's DOWNLOAD_DELAY: a task starts `delayMs` after the latest booked start, with the
  // delay as it is when the task's turn comes (so a delay raised by the throttle applies to the very next request).
  async #waitForTurn(slot: HostSlot): Promise<void> {
    const now = performance.now();
    const startAt = Math.max(now, slot.lastStartAt + slot.delayMs);
    slot.lastStartAt = startAt;
    if (startAt > now) await abortableDelay(startAt - now, this.#options.signal);
  }

  #slot(host: string): HostSlot {
    let slot = this.#hosts.get(host);
    if (!slot) {
      const floorMs = this.#options.delayMs;
      const settings = this.#options.autoThrottle;
      const throttle = settings ? initialThrottle(settings, floorMs) : undefined;
      slot = {
        queue: new PQueue({ concurrency: throttle ? Math.floor(throttle.concurrency) : this.#options.perHost }),
        delayMs: throttle?.delayMs ?? floorMs,
        floorMs,
        throttle,
        lastStartAt: Number.NEGATIVE_INFINITY,
      };
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
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    // Node fires a timer longer than MAX_TIMER_MS after 1 ms. Each delay option is capped, but starts booked ahead
    // for one host add up (the third of four waits two delays), so a longer wait is taken in steps.
    const wait = (left: number) => {
      timer = setTimeout(() => {
        if (left > MAX_TIMER_MS) return wait(left - MAX_TIMER_MS);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.min(left, MAX_TIMER_MS));
    };
    wait(ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
