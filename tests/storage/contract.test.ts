/**
 * The contract every storage backend keeps (STYLE.md 13): the same tests run over the memory stores, the fingerprint
 * seen-set, the spilling frontier (with a budget of 2, so most requests go through its files), the SQLite stores and
 * the Redis stores (on a redis-server this file starts; each test on a crawl id of its own).
 * Each backend's own guarantees (crash safety, spilling) are tested in its own file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test as base } from 'vitest';
import { MemoryCounters } from '../../src/storage/counters.js';
import type { RunCounters } from '../../src/storage/counters.js';
import { FingerprintSeenSet } from '../../src/storage/fingerprint-seen-set.js';
import { MemoryFrontierStore } from '../../src/storage/frontier-store.js';
import type { CrawlRequest, FrontierStore } from '../../src/storage/frontier-store.js';
import { MemorySeenSet } from '../../src/storage/seen-set.js';
import type { SeenSet } from '../../src/storage/seen-set.js';
import { SpillingFrontierStore } from '../../src/storage/spilling-frontier-store.js';
import { CrawlStateDb } from '../../src/storage/sqlite/crawl-state-db.js';
import { RedisCrawlState } from '../../src/storage/redis/redis-crawl-state.js';
import { startRedis } from '../helpers/redis-server.js';
import type { RedisServer } from '../helpers/redis-server.js';

/** A store made in a fresh directory, and how to release it. */
interface Made<S> {
  store: S;
  close: () => Promise<void> | void;
}
type Factory<S> = (dir: string) => Made<S> | Promise<Made<S>>;

const sqlite = <S>(pick: (db: CrawlStateDb) => S): Factory<S> => (dir) => {
  const db = CrawlStateDb.open(join(dir, 'state.db'));
  return { store: pick(db), close: () => db.close() };
};

// One redis-server for the file, started by the first Redis test; each test uses a crawl id of its own.
let server: Promise<RedisServer> | undefined;
let crawls = 0;
afterAll(async () => (await server)?.close());
const redis = <S>(pick: (state: RedisCrawlState) => S): Factory<S> => async () => {
  server ??= startRedis();
  const state = await RedisCrawlState.open({ url: (await server).url, crawlId: `contract-${crawls++}`, retryMs: 1000 });
  return { store: pick(state), close: () => state.close() };
};

const frontiers: [string, Factory<FrontierStore>][] = [
  ['memory', () => ({ store: new MemoryFrontierStore(), close: () => undefined })],
  ['spilling', (dir) => { const store = new SpillingFrontierStore({ maxInMemory: 2, dir, readChunkBytes: 64 }); return { store, close: () => store.close() }; }],
  ['sqlite', sqlite((db) => db.frontier)],
  ['redis', redis((state) => state.frontier)],
];
const seenSets: [string, Factory<SeenSet>][] = [
  ['memory', () => ({ store: new MemorySeenSet(), close: () => undefined })],
  ['fingerprint', () => ({ store: new FingerprintSeenSet({ initialCapacity: 16 }), close: () => undefined })],
  ['sqlite', sqlite((db) => db.seen)],
  ['redis', redis((state) => state.seen)],
];
const counterSets: [string, Factory<RunCounters>][] = [
  ['memory', () => ({ store: new MemoryCounters(), close: () => undefined })],
  ['sqlite', sqlite((db) => db.counters)],
  ['redis', redis((state) => state.counters)],
];

/** A fixture giving each test a temporary directory, removed afterwards. */
const test = base.extend<{ dir: string }>({
  dir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'sitecrawl-contract-'));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },
});

async function using<S, T>(factory: Factory<S>, dir: string, body: (store: S) => Promise<T>): Promise<T> {
  const made = await factory(dir);
  try {
    return await body(made.store);
  } finally {
    await made.close();
  }
}

const request = (path: string, depth: number, parent: string | null = depth === 0 ? null : 'http://e.com/'): CrawlRequest => ({ url: `http://e.com${path}`, depth, parent });
const paths = (requests: readonly CrawlRequest[]) => requests.map((item) => new URL(item.url).pathname);

describe.each(frontiers)('FrontierStore contract: %s', (_name, make) => {
  test('keeps each depth in its own FIFO queue across pushes', ({ dir }) =>
    using(make, dir, async (store) => {
      await store.push([request('/a', 1), request('/x', 2), request('/b', 1)]);
      await store.push([request('/c', 1), request('/y', 2)]);
      expect(paths(await store.take(1, 10))).toEqual(['/a', '/b', '/c']);
      expect(paths(await store.take(2, 10))).toEqual(['/x', '/y']);
    }));

  test.for<[number, string[][]]>([
    [1, [['/0'], ['/1'], ['/2'], ['/3'], ['/4'], []]],
    [2, [['/0', '/1'], ['/2', '/3'], ['/4'], []]],
    [5, [['/0', '/1', '/2', '/3', '/4'], []]],
    [9, [['/0', '/1', '/2', '/3', '/4'], []]],
  ])('takes in batches of %i, oldest first, then nothing', ([max, batches], { dir }) =>
    using(make, dir, async (store) => {
      await store.push([0, 1, 2, 3, 4].map((n) => request(`/${n}`, 1)));
      const taken = [];
      for (let index = 0; index < batches.length; index++) taken.push(paths(await store.take(1, max)));
      expect(taken).toEqual(batches);
    }));

  test('size counts what is still waiting per depth', ({ dir }) =>
    using(make, dir, async (store) => {
      await store.push([request('/a', 1), request('/b', 1), request('/c', 1), request('/x', 2)]);
      expect([await store.size(0), await store.size(1), await store.size(2)]).toEqual([0, 3, 1]);
      await store.take(1, 2);
      expect(await store.size(1)).toBe(1);
      await store.take(1, 2);
      expect(await store.size(1)).toBe(0);
    }));

  test('a depth can be refilled after it ran out, and pushes after a partial take keep the order', ({ dir }) =>
    using(make, dir, async (store) => {
      await store.push([request('/a', 1)]);
      await store.take(1, 1);
      await store.push([request('/b', 1), request('/c', 1)]);
      expect(paths(await store.take(1, 1))).toEqual(['/b']);
      await store.push([request('/d', 1)]);
      expect([await store.size(1), ...paths(await store.take(1, 5))]).toEqual([2, '/c', '/d']);
    }));

  test('taking from an unknown depth or with max 0 gives nothing', ({ dir }) =>
    using(make, dir, async (store) => {
      await store.push([request('/a', 1)]);
      expect([await store.take(7, 5), await store.take(1, 0)]).toEqual([[], []]);
      expect(await store.size(1)).toBe(1);
    }));

  test('returns requests as pushed: URL, depth and parent (null for a start URL)', ({ dir }) =>
    using(make, dir, async (store) => {
      const pushed = [request('/', 0), request('/a', 3, 'http://e.com/p?q=1'), request('/é%20x', 3, 'http://e.com/ü')];
      await store.push(pushed);
      expect([...(await store.take(0, 5)), ...(await store.take(3, 5))]).toEqual(pushed);
    }));

  test('1,000 requests pushed across 3 depths in small batches come back in push order per depth', ({ dir }) =>
    using(make, dir, async (store) => {
      const pushed = Array.from({ length: 1000 }, (_, n) => request(`/${n}`, n % 3, n % 7 === 0 ? null : `http://e.com/p/${n}`));
      for (let index = 0; index < pushed.length; index += 13) await store.push(pushed.slice(index, index + 13));
      for (const depth of [2, 0, 1]) {
        const drained: CrawlRequest[] = [];
        for (let batch = await store.take(depth, 64); batch.length > 0; batch = await store.take(depth, 64)) drained.push(...batch);
        expect(drained).toEqual(pushed.filter((item) => item.depth === depth));
        expect(await store.size(depth)).toBe(0);
      }
    }));
});

describe.each(seenSets)('SeenSet contract: %s', (_name, make) => {
  test('add tells for each URL whether it was new', ({ dir }) =>
    using(make, dir, async (seen) => {
      expect(await seen.add(['http://e.com/a', 'http://e.com/b'])).toEqual([true, true]);
      expect(await seen.add(['http://e.com/b', 'http://e.com/c'])).toEqual([false, true]);
    }));

  test('add counts a URL repeated within one call as new once', ({ dir }) =>
    using(make, dir, async (seen) => {
      expect(await seen.add(['a', 'a', 'b', 'a'])).toEqual([true, false, true, false]);
    }));

  test('has answers per URL without adding', ({ dir }) =>
    using(make, dir, async (seen) => {
      await seen.add(['a']);
      expect(await seen.has(['a', 'b'])).toEqual([true, false]);
      expect(await seen.has(['b'])).toEqual([false]);
      expect(await seen.size()).toBe(1);
    }));

  test('size counts distinct URLs', ({ dir }) =>
    using(make, dir, async (seen) => {
      await seen.add(['a', 'b', 'a']);
      await seen.add(['c', 'b']);
      expect(await seen.size()).toBe(3);
    }));

  test('empty calls give empty answers', ({ dir }) =>
    using(make, dir, async (seen) => {
      expect([await seen.add([]), await seen.has([]), await seen.size()]).toEqual([[], [], 0]);
    }));

  test('URLs differing in one character, case or a non-ASCII letter are distinct', ({ dir }) =>
    using(make, dir, async (seen) => {
      const urls = ['http://e.com/a', 'http://e.com/A', 'http://e.com/a/', 'http://e.com/é', 'http://e.com/e', ''];
      expect(await seen.add(urls)).toEqual(urls.map(() => true));
      expect(await seen.has(urls)).toEqual(urls.map(() => true));
    }));

  test('5,000 distinct URLs added in batches of 100 are all new once and all present', ({ dir }) =>
    using(make, dir, async (seen) => {
      const urls = Array.from({ length: 5000 }, (_, n) => `https://site-${n % 7}.example/section/${n % 13}/page-${n}.html`);
      for (let index = 0; index < urls.length; index += 100) expect(await seen.add(urls.slice(index, index + 100))).toEqual(Array(100).fill(true));
      expect(await seen.add(urls.slice(0, 100))).toEqual(Array(100).fill(false));
      expect((await seen.has(urls)).every(Boolean)).toBe(true);
      expect(await seen.size()).toBe(5000);
    }));
});

describe.each(counterSets)('RunCounters contract: %s', (_name, make) => {
  test('increments by one or by a given amount', ({ dir }) =>
    using(make, dir, async (counters) => {
      counters.increment('pages');
      counters.increment('pages');
      counters.increment('bytes', 1500);
      counters.increment('bytes', 500);
      expect([counters.get('pages'), counters.get('bytes')]).toEqual([2, 2000]);
    }));

  test('an unknown counter is 0', ({ dir }) => using(make, dir, async (counters) => expect(counters.get('skip.robots')).toBe(0)));

  test('snapshot holds every counter and does not change afterwards', ({ dir }) =>
    using(make, dir, async (counters) => {
      counters.increment('skip.scope', 3);
      counters.increment('depth.0');
      const snapshot = counters.snapshot();
      counters.increment('skip.scope');
      expect(snapshot).toEqual({ 'skip.scope': 3, 'depth.0': 1 });
    }));
});
