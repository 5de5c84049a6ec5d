/** Bounds and goals of the latency-based throttle (Scrapy's AutoThrottle, plus per-host concurrency). */
export interface AutoThrottleSettings {
  /** Requests a host should be handling at once, on average: the delay aims at latency / targetConcurrency. */
  targetConcurrency: number;
  /** Delay a host starts with, in ms. */
  startDelayMs: number;
  /** Longest delay between requests to one host, in ms. */
  maxDelayMs: number;
  /** Most requests in flight to one host (the crawl's `perHost`). */
  maxConcurrency: number;
}

/** Defaults of the throttle's settings (all but maxConcurrency, which is the crawl's `perHost`). */
export const AUTO_THROTTLE_DEFAULTS = Object.freeze({ targetConcurrency: 2, startDelayMs: 1000, maxDelayMs: 60_000 });

/** One host's throttle: the delay between request starts and the requests allowed in flight (fractional inside). */
export interface HostThrottle {
  delayMs: number;
  concurrency: number;
}

/** One finished request: how long it took and how it ended (`null` for a network failure or timeout). */
export interface LatencySample {
  latencyMs: number;
  status: number | null;
}

/** The throttle a host starts with. */
export function initialThrottle(settings: AutoThrottleSettings, floorMs: number): HostThrottle {
  return { delayMs: clamp(settings.startDelayMs, floorMs, settings.maxDelayMs), concurrency: 1 };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), Math.max(min, max));
}

/**
 * Adjusts a host's throttle after a response. Pure.
 * - 429, 503 or a network failure: the server is struggling, so concurrency halves (at least 1) and the delay doubles.
 * - Otherwise the delay moves halfway towards latency / targetConcurrency (Scrapy's rule); an error status may raise
 *   it but never lower it. A success grows concurrency additively (+1 per `concurrency` successes), up to
 *   maxConcurrency: additive increase, multiplicative decrease, as TCP does.
 * The delay never goes below `floorMs` (the configured delay or robots.txt Crawl-delay) nor above maxDelayMs.
 */
export function adjustThrottle(current: HostThrottle, sample: LatencySample, floorMs: number, settings: AutoThrottleSettings): HostThrottle {
  const status = sample.status;
  if (status === null || status === 429 || status === 503) {
    return {
      delayMs: clamp(Math.max(current.delayMs * 2, 250), floorMs, settings.maxDelayMs),
      concurrency: Math.max(1, Math.floor(current.concurrency / 2)),
    };
  }
  const target = sample.latencyMs / settings.targetConcurrency;
  let delayMs = (current.delayMs + target) / 2;
  if (status >= 400 && delayMs < current.delayMs) delayMs = current.delayMs;
  delayMs = clamp(delayMs, floorMs, settings.maxDelayMs);
  const concurrency = status < 400 ? Math.min(settings.maxConcurrency, current.concurrency + 1 / current.concurrency) : current.concurrency;
  return { delayMs, concurrency };
}
