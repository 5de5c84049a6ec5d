/**
 * What the Redis backend guarantees beyond the storage contract: leases, level coordination, maxPages across
 * workers, settling, handing back, shared host slots and robots.txt locks, and refusing a missing server. Two
 * connections to one crawl stand for two workers.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { SharedStateError } from '../../src/errors.js';
import { RedisCrawlState } from '../../src/storage/redis/redis-crawl-state.js';
import type { Claim } from '../../src/storage/redis/redis-frontier-store.js';
import { RedisHostGate } from '../../src/storage/redis/redis-host-gate.js';
import { startRedis } from '../helpers/redis-server.js';
import type { RedisServer } from '../helpers/redis-server.js';
import { closedPort } from '../helpers/closed-port.js';

let server: Promise<RedisServer> | undefined;
let crawls = 0;
afterAll(async () => (await server)?.close());

/** Two workers' connections to a fresh crawl started with `startUrls` (and maxPages). */
async function crawl(startUrls: string[], maxPages = Number.POSITIVE_INFINITY) {
  server ??= startRedis();
  const url = (await server).url;
  const crawlId = `backend-${crawls++}`;
  const a = await RedisCrawlState.open({ url, crawlId, retryMs: 1000 });
  const b = await RedisCrawlState.open({ url, crawlId, retryMs: 1000 });
  expect(await a.begin('crawl', { maxDepth: 3 }, maxPages, startUrls)).toEqual({ kind: 'new' });
  return { a, b, close: async () => Promise.all([a.close(), b.close()]) };
}

const urls = (claim: Claim) => (claim.kind === 'claimed' ? claim.requests.map((request) => request.url) : []);
const fetched = (claim: Claim) =>
  claim.kind === 'claimed' ? claim.requests.map((request) => ({ entry: request.entry, kind: 'fetched' as const, url: request.url, page: '{}', records: '[]' })) : [];

describe('RedisCrawlState', () => {
  test('a second worker joining gets the stored command and options; the start URLs are seeded once', async () => {
    const { a, b, close } = await crawl(['http://e.com/']);
    try {
      expect(await b.begin('crawl', { maxDepth: 9 }, Infinity, ['http://e.com/'])).toEqual({ kind: 'joined', command: 'crawl', options: { maxDepth: 3 } });
      expect(await a.frontier.size(0)).toBe(1);
    } finally {
      await close();
    }
  });

  test('claims hand each request to one worker, and depth d+1 waits until every lease of depth d is settled', async () => {
    const { a, b, close } = await crawl(['http://e.com/1', 'http://e.com/2', 'http://e.com/3']);
    try {
      const first = await a.frontier.claim(2, 10_000);
      const second = await b.frontier.claim(5, 10_000);
      expect([...urls(first), ...urls(second)].sort()).toEqual(['http://e.com/1', 'http://e.com/2', 'http://e.com/3']);
      await a.seen.admit([{ url: 'http://e.com/next', depth: 1, parent: 'http://e.com/1' }]);
      await a.settle(fetched(first));
      expect(await a.frontier.claim(5, 10_000)).toEqual({ kind: 'wait', depth: 0 });
      await b.settle(fetched(second));
      const next = await a.frontier.claim(5, 10_000);
      expect([next.kind, urls(next)]).toEqual(['claimed', ['http://e.com/next']]);
      await a.settle(fetched(next));
      expect(await b.frontier.claim(5, 10_000)).toEqual({ kind: 'finished', stopReason: 'completed' });
      expect(await b.frontier.claim(5, 10_000)).toEqual({ kind: 'finished', stopReason: 'completed' });
    } finally {
      await close();
    }
  });

  test('claims take one host after another, each host in discovery order; an emptied level leaves no queue key', async () => {
    const starts = ['http://a.com/1', 'http://a.com/2', 'http://a.com/3', 'http://b.com/1', 'http://b.com/2', 'http://c.com:8080/1'];
    const { a, b, close } = await crawl(starts);
    try {
      expect(await a.frontier.size(0)).toBe(6);
      const first = await a.frontier.claim(4, 10_000);
      expect(urls(first)).toEqual(['http://a.com/1', 'http://b.com/1', 'http://c.com:8080/1', 'http://a.com/2']);
      expect(await a.frontier.size(0)).toBe(2);
      const second = await b.frontier.claim(4, 10_000);
      expect(urls(second)).toEqual(['http://b.com/2', 'http://a.com/3']);
      await a.settle(fetched(first));
      await b.settle(fetched(second));
      const left = await a.redis.keys(`${a.keys.prefix}q:*`);
      expect([left, await a.redis.llen(a.keys.hosts(0)), await a.frontier.size(0)]).toEqual([[], 0, 0]);
      // A host's entry given back goes to the head of its host's list, and the host back into the ring.
      await a.seen.admit([{ url: 'http://a.com/x', depth: 1, parent: null }, { url: 'http://a.com/y', depth: 1, parent: null }]);
      const one = await a.frontier.claim(1, 10_000);
      expect(urls(one)).toEqual(['http://a.com/x']);
      await a.frontier.release(one.kind === 'claimed' ? one.requests.map((request) => request.entry) : []);
      expect(urls(await b.frontier.claim(5, 10_000))).toEqual(['http://a.com/x', 'http://a.com/y']);
    } finally {
      await close();
    }
  });

  test('an expired lease goes back to the queue and to another worker; the late settle takes it out again', async () => {
    const { a, b, close } = await crawl(['http://e.com/1', 'http://e.com/2']);
    try {
      const dead = await a.frontier.claim(1, 150);
      expect(urls(dead)).toEqual(['http://e.com/1']);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const retaken = await b.frontier.claim(5, 10_000);
      expect(urls(retaken).sort()).toEqual(['http://e.com/1', 'http://e.com/2']);
      expect(Number(await b.redis.hget(b.keys.counters, 'requeued'))).toBe(1);
      // A lease renewed in time is kept.
      const kept = await crawl(['http://e.com/k']);
      const claim = await kept.a.frontier.claim(1, 200);
      await kept.a.renew(claim.kind === 'claimed' ? claim.requests.map((request) => request.entry) : [], new Map(), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await kept.b.frontier.claim(1, 10_000)).toEqual({ kind: 'wait', depth: 0 });
      await kept.close();
    } finally {
      await close();
    }
  });

  test('a settle arriving after the lease expired removes the requeued copy, so the page is not fetched twice', async () => {
    const { a, b, close } = await crawl(['http://e.com/1']);
    try {
      const slow = await a.frontier.claim(1, 100);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // A claim of nothing still returns expired leases to the queue.
      expect(await b.frontier.claim(0, 10_000)).toEqual({ kind: 'wait', depth: 0 });
      expect(await b.frontier.size(0)).toBe(1);
      await a.settle(fetched(slow));
      expect(await b.frontier.size(0)).toBe(0);
      expect(await b.frontier.claim(5, 10_000)).toEqual({ kind: 'finished', stopReason: 'completed' });
    } finally {
      await close();
    }
  });

  test('maxPages is exact across workers; a page skipped by robots.txt gives its reservation back', async () => {
    const { a, b, close } = await crawl(['http://e.com/1', 'http://e.com/2', 'http://e.com/3', 'http://e.com/4'], 2);
    try {
      const first = await a.frontier.claim(5, 10_000);
      expect(urls(first)).toHaveLength(2);
      expect(await b.frontier.claim(5, 10_000)).toEqual({ kind: 'wait', depth: 0 });
      const [skipped, done] = first.kind === 'claimed' ? first.requests : [];
      await a.settle([{ entry: skipped?.entry ?? '', kind: 'skipped', url: skipped?.url ?? '' }]);
      expect(urls(await b.frontier.claim(5, 10_000))).toHaveLength(1);
      await a.settle([{ entry: done?.entry ?? '', kind: 'fetched', url: done?.url ?? '', page: '{}', records: '[]' }]);
      expect((await a.frontier.claim(5, 10_000)).kind).toBe('wait');
    } finally {
      await close();
    }
  });

  test('a stopping worker hands its leases back to the head of the queue', async () => {
    const { a, b, close } = await crawl(['http://e.com/1', 'http://e.com/2', 'http://e.com/3']);
    try {
      const claim = await a.frontier.claim(2, 10_000);
      expect(await a.frontier.release(claim.kind === 'claimed' ? claim.requests.map((request) => request.entry) : [])).toBe(2);
      expect(urls(await b.frontier.claim(5, 10_000))).toEqual(['http://e.com/2', 'http://e.com/1', 'http://e.com/3']);
    } finally {
      await close();
    }
  });

  test('admission is atomic and first-wins across workers: a URL enters the queue once', async () => {
    const { a, b, close } = await crawl(['http://e.com/']);
    try {
      const links = Array.from({ length: 50 }, (_, n) => ({ url: `http://e.com/${n}`, depth: 1, parent: 'http://e.com/' }));
      const [fromA, fromB] = await Promise.all([a.seen.admit(links), b.seen.admit([...links].reverse())]);
      expect(fromA.length + fromB.length).toBe(50);
      expect(await a.frontier.size(1)).toBe(50);
    } finally {
      await close();
    }
  });

  test('host slots are shared: perHost tokens at once across workers, the delay between any two starts', async () => {
    const { a, b, close } = await crawl(['http://e.com/']);
    try {
      const gateA = new RedisHostGate(a.redis, a.keys, a.worker, 10_000);
      const gateB = new RedisHostGate(b.redis, b.keys, b.worker, 10_000);
      const one = await gateA.acquire('h', 2, 0);
      await gateB.acquire('h', 2, 0);
      let third = false;
      const waiting = gateB.acquire('h', 2, 0).then((token) => ((third = true), token));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(third).toBe(false);
      await gateA.release(one);
      await waiting;
      const started = performance.now();
      await gateA.acquire('paced', 5, 150);
      await gateB.acquire('paced', 5, 150);
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      await close();
    }
  });

  test('one worker holds the robots.txt lock of an origin; the answer is shared', async () => {
    const { a, b, close } = await crawl(['http://e.com/']);
    try {
      expect(await a.robots.lock('http://e.com', a.worker, 5000)).toBe(true);
      expect(await b.robots.lock('http://e.com', b.worker, 5000)).toBe(false);
      await a.robots.put('http://e.com', { status: 200, body: 'User-agent: *\nDisallow: /x' });
      expect(await b.robots.get('http://e.com')).toEqual({ status: 200, body: 'User-agent: *\nDisallow: /x' });
    } finally {
      await close();
    }
  });

  test('clear removes every key of the crawl and no other', async () => {
    const one = await crawl(['http://e.com/']);
    const two = await crawl(['http://e.com/']);
    try {
      expect(await one.a.clear()).toBeGreaterThan(1);
      expect([await one.a.exists(), await two.a.exists()]).toEqual([false, true]);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  test('no server at the address: redis-unreachable at once', async () => {
    const port = await closedPort();
    const error = await RedisCrawlState.open({ url: `redis://127.0.0.1:${port}/0`, crawlId: 'x', retryMs: 5000 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SharedStateError);
    expect((error as SharedStateError).code).toBe('redis-unreachable');
  });
});
