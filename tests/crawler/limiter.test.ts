import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Limiter, abortableDelay } from '../../src/crawler/limiter.js';
import type { Site } from '../helpers/site.js';
import { describe, expect, test } from '../helpers/fixtures.js';

// The server sees a request some time after the limiter starts it, and that lag varies (more on a loaded machine), so
// gaps measured at the server can be short of the delay by the difference of two lags.
const SLACK_MS = 150;

/** A full garbage collection, so heap figures show what is still referenced. */
function collectGarbage(): void {
  // `gc` is exposed for contexts created after the flag is set; the test process was started without --expose-gc.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
}

function heapUsed(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Runs one task that resolves at once for each of `count` distinct hosts, `batch` hosts at a time. */
async function runHosts(limiter: Limiter, from: number, count: number, batch = 1000): Promise<void> {
  for (let start = from; start < from + count; start += batch) {
    const tasks: Promise<number>[] = [];
    for (let index = start; index < Math.min(start + batch, from + count); index++) tasks.push(limiter.run(`host-${index}.example:80`, () => Promise.resolve(index)));
    await Promise.all(tasks);
  }
}

/** Fetches `path` from the site through the limiter, as the crawl's fetcher would, and reads the whole answer. */
function fetchThrough(limiter: Limiter, site: Site, path: string): Promise<string> {
  return limiter.run(new URL(site.url('/')).host, async () => (await fetch(site.url(path))).text());
}

/** Gaps between the arrivals of the requests for `paths`, as the server saw them. */
function startGaps(site: Site, paths: readonly string[]): number[] {
  const times = site.requests.filter((request) => paths.includes(request.path)).map((request) => request.at);
  return times.slice(1).map((at, index) => at - (times[index] as number));
}

describe('per-host state', () => {
  test('memory stays flat across 100,000 hosts: an idle host leaves nothing behind', async () => {
    const limiter = new Limiter({ concurrency: 64, perHost: 4, delayMs: 0 });
    await runHosts(limiter, 0, 1000);
    const afterThousand = heapUsed();
    await runHosts(limiter, 1000, 99_000);
    const afterHundredThousand = heapUsed();
    // A p-queue per host kept would be well over 50 MB here.
    expect((afterHundredThousand - afterThousand) / 1024 / 1024).toBeLessThan(4);
    expect(limiter.hostCount).toBe(0);
  });

  test('with a delay, an idle host is kept only as a small record until its delay has passed', async () => {
    const limiter = new Limiter({ concurrency: 64, perHost: 4, delayMs: 60_000 });
    await runHosts(limiter, 0, 100);
    expect(limiter.hostCount).toBe(100);
    expect(limiter.hostState('host-0.example:80')).toEqual({ delayMs: 60_000, concurrency: 4 });
  });

  test('records whose delay has passed are swept as new hosts go idle', async () => {
    const limiter = new Limiter({ concurrency: 64, perHost: 4, delayMs: 1000 });
    await runHosts(limiter, 0, 1000);
    expect(limiter.hostCount).toBeLessThanOrEqual(1000);
    // Waits out the delay of the first 1,000 hosts (the subject of the test, not a synchronization).
    await abortableDelay(1100);
    await runHosts(limiter, 1000, 100);
    expect(limiter.hostCount).toBeLessThanOrEqual(100);
  });

  test('an expired record is dropped: with a zero delay no host is remembered', async () => {
    const limiter = new Limiter({ concurrency: 4, perHost: 1, delayMs: 0 });
    await limiter.run('a:1', () => Promise.resolve(1));
    expect(limiter.hostCount).toBe(0);
  });
});

describe('politeness survives eviction', () => {
  test('an idle host evicted between two requests still waits delayMs between their starts', async ({ site }) => {
    site.page('/warm-up', []).page('/a', []).page('/b', []);
    // The process's first fetch takes a while to reach the server; it would blur the gap measured there.
    await (await fetch(site.url('/warm-up'))).text();
    const limiter = new Limiter({ concurrency: 4, perHost: 4, delayMs: 600 });
    // Once the first request is done the host's queue is idle and dropped; only its last start is kept.
    await fetchThrough(limiter, site, '/a');
    await fetchThrough(limiter, site, '/b');
    expect(startGaps(site, ['/a', '/b'])[0]).toBeGreaterThanOrEqual(600 - SLACK_MS);
  });

  test('a Crawl-delay learnt while the host is idle spaces its next requests, and outlives the eviction', async ({ site }) => {
    site.robots('User-agent: *\nCrawl-delay: 0.6\n').page('/a', []).page('/b', []);
    const limiter = new Limiter({ concurrency: 4, perHost: 4, delayMs: 0 });
    const host = new URL(site.url('/')).host;
    await fetchThrough(limiter, site, '/robots.txt');
    // With no delay the host left nothing behind; robots.txt is read only now.
    expect(limiter.hostCount).toBe(0);
    limiter.setHostDelay(host, 600);
    await fetchThrough(limiter, site, '/a');
    await fetchThrough(limiter, site, '/b');
    const gaps = startGaps(site, ['/robots.txt', '/a', '/b']);
    expect(gaps).toHaveLength(2);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(600 - SLACK_MS);
    expect(limiter.hostState(host).delayMs).toBe(600);
  });

  test('an idle host keeps what the adaptive throttle learnt', async () => {
    const settings = { targetConcurrency: 2, startDelayMs: 0, maxDelayMs: 8000, maxConcurrency: 4 };
    const limiter = new Limiter({ concurrency: 16, perHost: 4, delayMs: 0, autoThrottle: settings });
    await limiter.run('a:1', async () => {
      limiter.observe('a:1', { latencyMs: 4, status: 503 });
      return Promise.resolve();
    });
    expect(limiter.hostCount).toBe(1);
    expect(limiter.hostState('a:1')).toEqual({ delayMs: 250, concurrency: 1 });
    expect(limiter.hostState('b:1')).toEqual({ delayMs: 0, concurrency: 1 });
  });
});

