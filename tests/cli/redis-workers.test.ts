/**
 * Several `sitecrawl crawl --redis` processes on one crawl of a local site, against a redis-server started here:
 * the merged export equals a single-process crawl, each URL is requested once, the per-host limit holds across
 * workers, maxPages is exact, and a SIGKILLed worker's URLs are fetched by the others.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describe, expect, test } from '../helpers/fixtures.js';
import { startRedis } from '../helpers/redis-server.js';
import type { RedisServer } from '../helpers/redis-server.js';
import { hitsByPath, slowTree, urlDepths } from '../helpers/redis-site.js';
import { runCli, startNode } from '../helpers/run-process.js';

let server: Promise<RedisServer> | undefined;
afterAll(async () => (await server)?.close());
const redisUrl = async () => (await (server ??= startRedis())).url;
let ids = 0;

const common = ['-q', '--workers', '0', '--retries', '0'];

function worker(url: string, redis: string, crawlId: string, extra: string[] = []) {
  return startNode(['dist/cli/main.js', 'crawl', url, '--redis', redis, '--crawl-id', crawlId, ...common, ...extra]);
}

// Each test starts several CLI processes: generous time on a loaded machine.
describe('crawl --redis with several worker processes', { timeout: 120_000 }, () => {
  test('three workers: each URL requested once, perHost held across workers, the export equals a one-process crawl', async ({ site, tmp }) => {
    const pages = slowTree(site, 5, 2, 20);
    const redis = await redisUrl();
    const crawlId = `workers-${ids++}`;
    const results = await Promise.all([0, 1, 2].map(() => worker(site.url('/'), redis, crawlId, ['-c', '3', '--per-host', '2']).result));
    expect(results.map((result) => [result.code, result.stderr])).toEqual([[0, ''], [0, ''], [0, '']]);
    // Each page once, and robots.txt once for the three workers.
    expect(site.requests).toHaveLength(pages + 1);
    expect([...hitsByPath(site).values()].every((count) => count === 1)).toBe(true);
    expect(site.peakConcurrent).toBe(2);
    const exported = await runCli(['export', '--redis', redis, '--crawl-id', crawlId, '-o', join(tmp, 'merged')]);
    expect(exported.code).toBe(0);
    const status = await runCli(['status', '--redis', redis, '--crawl-id', crawlId, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ status: 'finished', stopReason: 'completed', pages, failed: 0, leased: 0, workersAlive: 0 });
    const single = await runCli(['crawl', site.url('/'), '-o', join(tmp, 'single'), ...common, '-c', '4']);
    expect(single.code).toBe(0);
    const expected = urlDepths(await readFile(join(tmp, 'single', 'pages.jsonl'), 'utf8'));
    expect(expected).toHaveLength(pages);
    expect(urlDepths(await readFile(join(tmp, 'merged', 'pages.jsonl'), 'utf8'))).toEqual(expected);
  });

  test('--max-pages is exact across workers', async ({ site, tmp }) => {
    slowTree(site, 5, 2, 10);
    const redis = await redisUrl();
    const crawlId = `max-pages-${ids++}`;
    const results = await Promise.all([0, 1, 2].map(() => worker(site.url('/'), redis, crawlId, ['-c', '4', '--max-pages', '17']).result));
    expect(results.map((result) => result.code)).toEqual([0, 0, 0]);
    expect(site.requests.filter((request) => request.path !== '/robots.txt')).toHaveLength(17);
    await runCli(['export', '--redis', redis, '--crawl-id', crawlId, '-o', tmp]);
    expect((await readFile(join(tmp, 'pages.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(17);
  });

  test('a worker SIGKILLed mid-run: its URLs return after the lease and the crawl completes with the same result', async ({ site, tmp }) => {
    const pages = slowTree(site, 5, 2, 25);
    const redis = await redisUrl();
    const crawlId = `killed-${ids++}`;
    const extra = ['-c', '2', '--per-host', '6', '--lease-ms', '800'];
    const victim = worker(site.url('/'), redis, crawlId, extra);
    await site.waitForHit('/a0');
    const others = [worker(site.url('/'), redis, crawlId, extra), worker(site.url('/'), redis, crawlId, extra)];
    await site.waitForHit('/a2/b0');
    victim.child.kill('SIGKILL');
    expect((await victim.result).signal).toBe('SIGKILL');
    const results = await Promise.all(others.map((other) => other.result));
    expect(results.map((result) => result.code)).toEqual([0, 0]);
    const exported = await runCli(['export', '--redis', redis, '--crawl-id', crawlId, '-o', tmp]);
    expect(exported.code).toBe(0);
    const merged = urlDepths(await readFile(join(tmp, 'pages.jsonl'), 'utf8'));
    expect(merged).toHaveLength(pages);
    expect(new Set(merged.map((line) => line.split(' ')[0]))).toEqual(new Set(['0', '1', '2', '3']));
    // Only what the dead worker had in flight was requested twice (at most its concurrency, 2: a page keeps its slot
    // until Redis has its settlement), and only twice.
    const twice = [...hitsByPath(site)].filter(([, count]) => count > 1);
    expect(twice.length).toBeLessThanOrEqual(2);
    expect(twice.every(([, count]) => count === 2)).toBe(true);
  });
});
