import PQueue from 'p-queue';
import { adjustThrottle, initialThrottle } from './auto-throttle.js';
import type { AutoThrottleSettings, HostThrottle, LatencySample } from './auto-throttle.js';
import { MAX_TIMER_MS } from './options.js';
import { monotonicMs } from './clock.js';

/** What politeness needs to remember of a host between two of its requests. */
interface HostPace {
  delayMs: number;
  /** The adaptive throttle's state, when it is on. */
  throttle: HostThrottle | undefined;
  /** monotonicMs() of the latest start booked for this host (it may lie in the future while a task waits). */
  lastStartAt: number;
}

/** A host with tasks waiting or running. */
interface HostSlot extends HostPace {
  queue: PQueue;
}

/** An idle host's pace, kept until `expiresAt` (after which a fresh slot would behave the same). */
interface IdleHost extends HostPace {
  expiresAt: number;
}

// How long an idle host keeps what the adaptive throttle learnt once it is idle and its delay has passed: Scrapy's
// downloader drops an idle slot 60 s after its last activity plus delay (`_slot_gc`), so a host idle between two
// levels keeps its pace.
const THROTTLE_MEMORY_MS = 60_000;
// Idle records are swept when their count doubles since the last sweep, so sweeping costs O(1) per eviction.
const MIN_SWEEP_SIZE = 1024;
/** How often the limiter samples whether the per-host limit holds tasks back, in ms. */
export const HOST_BOUND_SAMPLE_MS = 100;

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
  /**
   * Slots shared with other processes (a crawl shared through Redis): after its host's local slot and delay, a task
   * also takes the host's shared slot (same `perHost` and delay, held by every worker together) and gives it back
   * when it ends.
   */
  hostGate?: HostGate | undefined;
}

/** Per-host slots held across processes; see `LimiterOptions.hostGate`. */
export interface HostGate {
  /** Waits for a slot of `host` among `perHost` and for `delayMs` since its last start anywhere; returns a token. */
  acquire(host: string, perHost: number, delayMs: number, signal?: AbortSignal): Promise<string>;
  /** Gives the slot back. */
  release(token: string): Promise<void>;
}

/**
 * The one place concurrency lives: a global p-queue and one p-queue per host. A task first waits for its host, then for
 * a global slot, so a slow host never sits on global slots; a per-host delay spaces the starts of tasks to one host.
 *
 * Per-host state stays bounded however many hosts a run meets (`audit --external`): a host's queue is dropped as soon
 * as it is idle. Only what politeness needs outlives it, in a small record: the latest start and delay until the delay
 * has passed (and, with the adaptive throttle, what it learnt, for 60 s more). A robots.txt Crawl-delay is kept for the
 * whole run, one number per host that sets one.
 */
export class Limiter {
  readonly #global: PQueue;
  /** Hosts with tasks waiting or running. */
  readonly #hosts = new Map<string, HostSlot>();
  /** Idle hosts whose pace still matters. Entries past `expiresAt` are dropped on access and by sweeps. */
  readonly #idle = new Map<string, IdleHost>();
  /** Crawl-delays above the configured delay, by host. */
  readonly #crawlDelays = new Map<string, number>();
  readonly #options: LimiterOptions;
  #sweepAtSize = MIN_SWEEP_SIZE;
  /** Tasks waiting for a slot of an undelayed host (a delayed host's tasks wait for its delay, not its limit). */
  #waitingForHost = 0;
  #hostBoundMs = 0;
  /** Samples whether the per-host limit holds tasks back; runs only while tasks wait or run. */
  #sampler: NodeJS.Timeout | undefined;
  #sampledAt = 0;

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
    const waits = slot.delayMs === 0 && slot.queue.pending >= slot.queue.concurrency;
    if (waits) this.#waitingForHost++;
    this.#sampler ??= this.#startSampler();
    return slot.queue.add(async () => {
      if (waits) this.#waitingForHost--;
      signal?.throwIfAborted();
      await this.#waitForTurn(slot);
      const gate = this.#options.hostGate;
      if (!gate)
        return this.#global.add(() => {
          signal?.throwIfAborted();
          return task();
        });
      // The shared host slot is taken inside this worker's global slot: taken before it, a request waiting for its
      // own worker's concurrency would hold one of every worker's slots of the host without asking anything, and
      // could keep another worker from a request the held ones wait on until its lease ran out.
      return this.#global.add(async () => {
        signal?.throwIfAborted();
        const token = await gate.acquire(host, slot.queue.concurrency, slot.delayMs, signal);
        try {
          signal?.throwIfAborted();
          return await task();
        } finally {
          // A slot not given back (Redis lost) comes back when its lease expires.
          await gate.release(token).catch(() => undefined);
        }
      });
    }) as Promise<T>;
  }

  /**
   * Raises the minimum delay between requests to `host` (robots.txt Crawl-delay) for the rest of the run; never lowers
   * the configured one. Called once robots.txt has been read; when the host sits idle with no start on record, its
   * next request still waits the delay, counted from now (the robots.txt request started a little earlier).
   */
  setHostDelay(host: string, delayMs: number): void {
    if (delayMs <= this.#floorOf(host)) return;
    this.#crawlDelays.set(host, delayMs);
    const slot = this.#hosts.get(host);
    if (slot) {
      slot.delayMs = Math.max(slot.delayMs, delayMs);
      return;
    }
    const now = monotonicMs();
    const idle = this.#idleHost(host, now);
    const pace: HostPace = idle ?? { ...this.#freshPace(delayMs), lastStartAt: now };
    pace.delayMs = Math.max(pace.delayMs, delayMs);
    this.#keepIdle(host, pace, now);
  }

  /**
   * Tells the limiter how a request to `host` went. With the adaptive throttle on, the host's delay and concurrency
   * follow (see `adjustThrottle`); otherwise nothing happens.
   */
  observe(host: string, sample: LatencySample): void {
    const settings = this.#options.autoThrottle;
    if (!settings) return;
    const now = monotonicMs();
    // The fetch reports from inside its task, so the host has its slot; the other cases serve tests and stay correct.
    const floorMs = this.#floorOf(host);
    const slot = this.#hosts.get(host);
    const pace = slot ?? this.#idleHost(host, now) ?? this.#freshPace(floorMs);
    pace.throttle = adjustThrottle(pace.throttle ?? initialThrottle(settings, floorMs), sample, floorMs, settings);
    pace.delayMs = pace.throttle.delayMs;
    if (slot) slot.queue.concurrency = this.#concurrencyOf(slot);
    else this.#keepIdle(host, pace, now);
  }

  /** The delay and concurrency a host runs with now (for progress and tests). */
  hostState(host: string): { delayMs: number; concurrency: number } {
    const slot = this.#hosts.get(host);
    if (slot) return { delayMs: slot.delayMs, concurrency: slot.queue.concurrency };
    const pace = this.#idleHost(host, monotonicMs()) ?? this.#freshPace(this.#floorOf(host));
    return { delayMs: pace.delayMs, concurrency: this.#concurrencyOf(pace) };
  }

  /** Hosts the limiter holds state for: those with tasks waiting or running, and idle ones whose pace still matters. */
  get hostCount(): number {
    return this.#hosts.size + this.#idle.size;
  }

  /** Tasks running now, all hosts together. */
  get running(): number {
    return this.#global.pending;
  }

  /**
   * How long, in ms, requests waited for a host's `perHost` limit while global slots stood free: the time the per-host
   * limit, not the site or `concurrency`, bounded the crawl. Delayed hosts do not count (their delay bounds them).
   * Sampled every {@link HOST_BOUND_SAMPLE_MS} ms, so it is exact to about that much.
   */
  get hostBoundMs(): number {
    return this.#hostBoundMs;
  }

  // Sampled from a timer, not tracked at every start and end: when a task ends, the next one of its host starts a few
  // microtasks later, and event-driven bookkeeping counted those hand-overs as waits (tens of µs per request).
  #startSampler(): NodeJS.Timeout {
    this.#sampledAt = monotonicMs();
    const sampler = setInterval(() => {
      const now = monotonicMs();
      if (this.#waitingForHost > 0 && this.#global.pending < this.#options.concurrency) this.#hostBoundMs += now - this.#sampledAt;
      this.#sampledAt = now;
      if (this.#global.pending === 0 && this.#global.size === 0 && this.#hosts.size === 0) {
        clearInterval(sampler);
        this.#sampler = undefined;
      }
    }, HOST_BOUND_SAMPLE_MS);
    // Observation only: it must never keep a process alive.
    sampler.unref();
    return sampler;
  }

  // Start-to-start spacing as Scrapy's DOWNLOAD_DELAY: a task starts `delayMs` after the latest booked start, with the
  // delay as it is when the task's turn comes (so a delay raised by the throttle applies to the very next request).
  async #waitForTurn(slot: HostSlot): Promise<void> {
    const now = monotonicMs();
    const startAt = Math.max(now, slot.lastStartAt + slot.delayMs);
    slot.lastStartAt = startAt;
    if (startAt > now) await abortableDelay(startAt - now, this.#options.signal);
  }

  #slot(host: string): HostSlot {
    let slot = this.#hosts.get(host);
    if (!slot) {
      const pace = this.#idleHost(host, monotonicMs()) ?? this.#freshPace(this.#floorOf(host));
      this.#idle.delete(host);
      const queue = new PQueue({ concurrency: this.#concurrencyOf(pace) });
      const created: HostSlot = { queue, delayMs: pace.delayMs, throttle: pace.throttle, lastStartAt: pace.lastStartAt };
      // p-queue says 'idle' once nothing waits or runs; a task added since then would have kept it busy.
      queue.on('idle', () => this.#retire(host, created));
      this.#hosts.set(host, created);
      slot = created;
    }
    return slot;
  }

  /** Drops an idle host's queue, keeping its pace while it still matters. */
  #retire(host: string, slot: HostSlot): void {
    if (this.#hosts.get(host) !== slot || slot.queue.size > 0 || slot.queue.pending > 0) return;
    this.#hosts.delete(host);
    this.#keepIdle(host, { delayMs: slot.delayMs, throttle: slot.throttle, lastStartAt: slot.lastStartAt }, monotonicMs());
  }

  #keepIdle(host: string, pace: HostPace, now: number): void {
    const paced = pace.lastStartAt + pace.delayMs;
    const expiresAt = pace.throttle ? Math.max(paced, now) + THROTTLE_MEMORY_MS : paced;
    if (expiresAt <= now) {
      this.#idle.delete(host);
      return;
    }
    this.#idle.set(host, { delayMs: pace.delayMs, throttle: pace.throttle, lastStartAt: pace.lastStartAt, expiresAt });
    if (this.#idle.size >= this.#sweepAtSize) {
      for (const [key, idle] of this.#idle) if (idle.expiresAt <= now) this.#idle.delete(key);
      this.#sweepAtSize = Math.max(MIN_SWEEP_SIZE, 2 * this.#idle.size);
    }
  }

  /** The idle record of `host`, unless it has expired (then it is dropped). */
  #idleHost(host: string, now: number): IdleHost | undefined {
    const idle = this.#idle.get(host);
    if (idle && idle.expiresAt <= now) {
      this.#idle.delete(host);
      return undefined;
    }
    return idle;
  }

  /** The pace of a host the limiter knows nothing of (or has forgotten). */
  #freshPace(floorMs: number): HostPace {
    const settings = this.#options.autoThrottle;
    const throttle = settings ? initialThrottle(settings, floorMs) : undefined;
    return { delayMs: throttle?.delayMs ?? floorMs, throttle, lastStartAt: Number.NEGATIVE_INFINITY };
  }

  #floorOf(host: string): number {
    return this.#crawlDelays.get(host) ?? this.#options.delayMs;
  }

  #concurrencyOf(pace: HostPace): number {
    return pace.throttle ? Math.max(1, Math.floor(pace.throttle.concurrency)) : this.#options.perHost;
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
