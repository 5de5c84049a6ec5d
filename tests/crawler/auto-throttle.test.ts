import { adjustThrottle, initialThrottle } from '../../src/crawler/auto-throttle.js';
import type { AutoThrottleSettings, HostThrottle } from '../../src/crawler/auto-throttle.js';
import { Limiter } from '../../src/crawler/limiter.js';
import { crawlToArray } from '../helpers/crawl.js';
import { describe, expect, test } from '../helpers/fixtures.js';

const settings: AutoThrottleSettings = { targetConcurrency: 2, startDelayMs: 1000, maxDelayMs: 8000, maxConcurrency: 4 };

describe('adjustThrottle', () => {
  test.each<[string, HostThrottle, number, number | null, number, HostThrottle]>([
    ['moves the delay halfway towards latency / target', { delayMs: 1000, concurrency: 1 }, 200, 200, 0, { delayMs: 550, concurrency: 2 }],
    ['a slow answer raises the delay', { delayMs: 100, concurrency: 2 }, 1000, 200, 0, { delayMs: 300, concurrency: 2.5 }],
    ['never below the floor (configured delay or Crawl-delay)', { delayMs: 600, concurrency: 1 }, 10, 200, 500, { delayMs: 500, concurrency: 2 }],
    ['never above maxDelayMs', { delayMs: 8000, concurrency: 1 }, 60_000, 200, 0, { delayMs: 8000, concurrency: 2 }],
    ['an error status may not lower the delay nor grow concurrency', { delayMs: 1000, concurrency: 2 }, 10, 404, 0, { delayMs: 1000, concurrency: 2 }],
    ['429 halves concurrency and doubles the delay', { delayMs: 300, concurrency: 4 }, 10, 429, 0, { delayMs: 600, concurrency: 2 }],
    ['503 never takes concurrency below 1', { delayMs: 300, concurrency: 1 }, 10, 503, 0, { delayMs: 600, concurrency: 1 }],
    ['a network failure backs off from a zero delay too', { delayMs: 0, concurrency: 3 }, 0, null, 0, { delayMs: 250, concurrency: 1 }],
    ['concurrency stops at maxConcurrency', { delayMs: 10, concurrency: 4 }, 20, 200, 0, { delayMs: 10, concurrency: 4 }],
  ])('%s', (_name, current, latencyMs, status, floorMs, expected) => {
    expect(adjustThrottle(current, { latencyMs, status }, floorMs, settings)).toEqual(expected);
  });

  test('a host starts at one request in flight and the start delay, within the floor', () => {
    expect(initialThrottle(settings, 0)).toEqual({ delayMs: 1000, concurrency: 1 });
    expect(initialThrottle(settings, 3000)).toEqual({ delayMs: 3000, concurrency: 1 });
  });
});

test('the limiter applies the throttle per host: fast answers open it up, 429s close it down', () => {
  const limiter = new Limiter({ concurrency: 16, perHost: 4, delayMs: 0, autoThrottle: { ...settings, startDelayMs: 0 } });
  expect(limiter.hostState('a:1')).toEqual({ delayMs: 0, concurrency: 1 });
  for (let index = 0; index < 12; index++) limiter.observe('a:1', { latencyMs: 4, status: 200 });
  expect(limiter.hostState('a:1').concurrency).toBe(4);
  expect(limiter.hostState('a:1').delayMs).toBeCloseTo(2, 2);
  limiter.observe('a:1', { latencyMs: 4, status: 429 });
  expect(limiter.hostState('a:1')).toEqual({ delayMs: 250, concurrency: 2 });
  expect(limiter.hostState('b:1')).toEqual({ delayMs: 0, concurrency: 1 });
});

test('without the throttle, observations change nothing', () => {
  const limiter = new Limiter({ concurrency: 16, perHost: 4, delayMs: 100 });
  limiter.observe('a:1', { latencyMs: 4, status: 429 });
  expect(limiter.hostState('a:1')).toEqual({ delayMs: 100, concurrency: 4 });
});

test('a host answering 503 gets its requests spaced out by the crawl', async ({ site }) => {
  const paths = ['/a1', '/a2', '/a3', '/a4', '/a5'];
  site.page('/', paths);
  for (const path of paths) site.status(path, 503);
  const { pages } = await crawlToArray(site.url('/'), { retries: 0, perHost: 4, autoThrottle: { startDelayMs: 0, maxDelayMs: 400 } });
  expect(pages.filter((page) => page.error?.code === 'http-503')).toHaveLength(5);
  const starts = site.requests.filter((request) => paths.includes(request.path)).map((request) => request.at);
  const gaps = starts.slice(1).map((at, index) => at - (starts[index] as number));
  // The first 503 doubles the delay to at least 250 ms; every later start waits for it (less a little clock slack).
  expect(Math.min(...gaps.slice(1))).toBeGreaterThanOrEqual(230);
});
