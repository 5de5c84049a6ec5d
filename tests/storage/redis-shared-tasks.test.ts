/**
 * What savers of a shared crawl get from the Redis backend: quotas (maxImages counted for all workers, reserved by
 * content) and tasks run once for all workers (the audit's sitemaps). Two connections to one crawl stand for two
 * workers.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { RedisCrawlState } from '../../src/storage/redis/redis-crawl-state.js';
import { readOnceResult, runOnceTask } from '../../src/storage/redis/redis-once-task.js';
import { RedisQuota } from '../../src/storage/redis/redis-quota.js';
import { startRedis } from '../helpers/redis-server.js';
import type { RedisServer } from '../helpers/redis-server.js';

let server: Promise<RedisServer> | undefined;
let crawls = 0;
afterAll(async () => (await server)?.close());

async function crawl() {
  server ??= startRedis();
  const url = (await server).url;
  const crawlId = `tasks-${crawls++}`;
  const a = await RedisCrawlState.open({ url, crawlId, retryMs: 1000 });
  const b = await RedisCrawlState.open({ url, crawlId, retryMs: 1000 });
  await a.begin('images', {}, Number.POSITIVE_INFINITY, ['http://e.com/']);
  return { a, b, close: async () => Promise.all([a.close(), b.close()]) };
}

describe('RedisQuota', () => {
  test('reservations and commits of all workers never pass the maximum; a committed key is done for everyone', async () => {
    const { a, b, close } = await crawl();
    try {
      const qa = new RedisQuota(a.redis, a.keys, 'images', 2, 10_000);
      const qb = new RedisQuota(b.redis, b.keys, 'images', 2, 10_000);
      expect(await qa.reserve('x')).toEqual({ status: 'taken' });
      expect(await qb.reserve('x')).toEqual({ status: 'busy' });
      expect(await qb.reserve('y')).toEqual({ status: 'taken' });
      expect(await qa.reserve('z')).toEqual({ status: 'full' });
      // A write that did not happen gives its slot back.
      await qb.release('y');
      expect(await qa.reserve('z')).toEqual({ status: 'taken' });
      await qa.commit('x', '{"file":"x.png"}');
      expect(await qb.reserve('x')).toEqual({ status: 'done', value: '{"file":"x.png"}' });
      expect(qb.reached.aborted).toBe(false);
      await qa.commit('z', '{}');
      expect(qa.reached.aborted).toBe(true);
      expect(await qb.reserve('w')).toEqual({ status: 'reached' });
      expect(qb.reached.aborted).toBe(true);
      // The commit that reached the maximum finished the crawl for every worker.
      expect(await b.frontier.claim(5, 10_000)).toEqual({ kind: 'finished', stopReason: 'max-images' });
      const late = new RedisQuota(b.redis, b.keys, 'images', 2, 10_000);
      await late.refresh();
      expect(late.reached.aborted).toBe(true);
    } finally {
      await close();
    }
  });

  test('a dead worker\'s reservation runs out; a renewed one is kept', async () => {
    const { a, b, close } = await crawl();
    try {
      // Two quotas of one slot each, reserved by a worker with a short lease; it renews only the first.
      const renewed = new RedisQuota(a.redis, a.keys, 'images', 1, 150);
      const dead = new RedisQuota(a.redis, a.keys, 'other', 1, 150);
      expect(await renewed.reserve('x')).toEqual({ status: 'taken' });
      expect(await dead.reserve('x')).toEqual({ status: 'taken' });
      await a.renew([], renewed.held(), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await new RedisQuota(b.redis, b.keys, 'images', 1, 10_000).reserve('y')).toEqual({ status: 'full' });
      expect(await new RedisQuota(b.redis, b.keys, 'other', 1, 10_000).reserve('y')).toEqual({ status: 'taken' });
    } finally {
      await close();
    }
  });
});

describe('runOnceTask', () => {
  test('one worker runs the task; every worker gets its items and result', async () => {
    const { a, b, close } = await crawl();
    try {
      const signal = new AbortController().signal;
      let runs = 0;
      let release = () => undefined as void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let published = () => undefined as void;
      const firstItems = new Promise<void>((resolve) => (published = resolve));
      const seen = { a: [] as unknown[], b: [] as unknown[] };
      const task = async (publish: (items: readonly unknown[]) => Promise<void>) => {
        runs++;
        await publish([1, 2]);
        published();
        await gate;
        await publish([3]);
        return { total: 3 };
      };
      const common = { leaseMs: 10_000, name: 'sitemaps', run: task, signal };
      const first = runOnceTask({ ...common, redis: a.redis, keys: a.keys, worker: 'a', onItems: (items) => void seen.a.push(...items) });
      // The first worker holds the lock once it published its first items.
      await firstItems;
      const second = runOnceTask({ ...common, redis: b.redis, keys: b.keys, worker: 'b', onItems: (items) => void seen.b.push(...items) });
      release();
      expect(await Promise.all([first, second])).toEqual([{ total: 3 }, { total: 3 }]);
      expect(runs).toBe(1);
      expect(seen).toEqual({ a: [1, 2, 3], b: [1, 2, 3] });
      expect(await readOnceResult(a.redis, a.keys, 'sitemaps')).toEqual({ total: 3 });
    } finally {
      await close();
    }
  });

  test('a runner stopped mid-task leaves it to the next worker, which runs it again', async () => {
    const { a, b, close } = await crawl();
    try {
      const stop = new AbortController();
      const cut = await runOnceTask({
        redis: a.redis, keys: a.keys, worker: 'a', leaseMs: 10_000, name: 'sitemaps', signal: stop.signal, onItems: () => undefined,
        run: async (publish) => {
          await publish(['half']);
          stop.abort();
          return 'partial';
        },
      });
      expect(cut).toBe('partial');
      expect(await readOnceResult(a.redis, a.keys, 'sitemaps')).toBeUndefined();
      const items: unknown[] = [];
      const again = await runOnceTask({
        redis: b.redis, keys: b.keys, worker: 'b', leaseMs: 10_000, name: 'sitemaps', signal: new AbortController().signal, onItems: (got) => void items.push(...got),
        run: async (publish) => {
          await publish(['half', 'rest']);
          return 'whole';
        },
      });
      expect(again).toBe('whole');
      // The cut run's items come first (a consumer must take repeats).
      expect(items).toEqual(['half', 'half', 'rest']);
    } finally {
      await close();
    }
  });
});
