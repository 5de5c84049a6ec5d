/**
 * Milliseconds on a monotonic clock (an arbitrary origin: compare them only with each other). It reads
 * `process.hrtime.bigint()`, not `performance.now()`: the global `performance` loads eight of Node's modules
 * (perf_hooks) the first time it is touched, which a crawl's limiter did before its first request (issue 15).
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
