/**
 * `crawl --redis`, `export` and `status` against a missing, restarted or vanished Redis, a joining worker with other
 * options, and an unknown crawl id.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from '../helpers/fixtures.js';
import { closedPort } from '../helpers/closed-port.js';
import { startRedis } from '../helpers/redis-server.js';
import { hitsByPath, slowTree, urlDepths } from '../helpers/redis-site.js';
import { runCli, startNode } from '../helpers/run-process.js';

const common = ['-q', '--workers', '0', '--retries', '0'];

// Each test starts several CLI processes: generous time on a loaded machine.
describe('crawl --redis: faults and bad input', { timeout: 120_000 }, () => {
  test('Redis not running: exit 2 at the start with a clear message, and no request', async ({ site }) => {
    site.page('/', []);
    const port = await closedPort();
    const result = await runCli(['crawl', site.url('/'), '--redis', `redis://127.0.0.1:${port}/0`, '--crawl-id', 'x', ...common]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Cannot connect to Redis at redis://127.0.0.1:${port}/0`);
    expect(site.requests).toHaveLength(0);
    for (const command of ['status', 'export']) expect((await runCli([command, '--redis', `redis://127.0.0.1:${port}/0`, '--crawl-id', 'x', '-o', 'unused'].slice(0, command === 'status' ? 5 : 7))).code).toBe(2);
  });

  test('a worker joining with a result option that differs is refused (exit 2, naming the flag); unknown ids for export and status', async ({ site, tmp }) => {
    slowTree(site, 2, 1, 0);
    const redis = await startRedis();
    try {
      const first = await runCli(['crawl', site.url('/'), '--redis', redis.url, '--crawl-id', 'joined', '-d', '2', ...common]);
      expect(first.code).toBe(0);
      const requests = site.requests.length;
      const other = await runCli(['crawl', site.url('/'), '--redis', redis.url, '--crawl-id', 'joined', '-d', '3', ...common]);
      expect([other.code, site.requests.length]).toEqual([2, requests]);
      expect(other.stderr).toMatch(/--depth: .*joined.*`maxDepth` 2, got 3/);
      // A joining worker may differ in what does not change the result.
      expect((await runCli(['crawl', site.url('/'), '--redis', redis.url, '--crawl-id', 'joined', '-d', '2', '-c', '9', ...common])).code).toBe(0);
      for (const args of [['status'], ['export', '-o', join(tmp, 'out')]]) {
        const unknown = await runCli([...args, '--redis', redis.url, '--crawl-id', 'nothing-here']);
        expect(unknown.code).toBe(2);
        expect(unknown.stderr).toContain('No crawl "nothing-here"');
      }
      expect(existsSync(join(tmp, 'out'))).toBe(false);
      // --clear removes a finished crawl's keys; then the id is unknown.
      expect((await runCli(['crawl', site.url('/'), '--redis', redis.url, '--crawl-id', 'joined', '--clear'])).code).toBe(0);
      expect((await runCli(['status', '--redis', redis.url, '--crawl-id', 'joined'])).code).toBe(2);
    } finally {
      await redis.close();
    }
  });

  test('Redis restarted mid-run (with its append-only file): the workers retry and finish the crawl, nothing lost', async ({ site, tmp }) => {
    const pages = slowTree(site, 4, 2, 30);
    const redis = await startRedis({ persistent: true });
    try {
      const args = ['crawl', site.url('/'), '--redis', redis.url, '--crawl-id', 'restarted', '-c', '2', '--redis-retry', '15000', ...common];
      const workers = [startNode(['dist/cli/main.js', ...args]), startNode(['dist/cli/main.js', ...args])];
      await site.waitForHit('/a1/b0');
      await redis.restart();
      const results = await Promise.all(workers.map((running) => running.result));
      expect(results.map((result) => result.code)).toEqual([0, 0]);
      expect((await runCli(['export', '--redis', redis.url, '--crawl-id', 'restarted', '-o', tmp])).code).toBe(0);
      expect(urlDepths(await readFile(join(tmp, 'pages.jsonl'), 'utf8'))).toHaveLength(pages);
      // Pages in flight while Redis was down are settled when it is back; none is fetched again by the other worker.
      expect([...hitsByPath(site)].filter(([, count]) => count > 1).length).toBeLessThanOrEqual(4);
    } finally {
      await redis.close();
    }
  });

  test('Redis gone for good mid-run: the worker retries, then stops with exit 1 and a message, keeping what it wrote', async ({ site, tmp }) => {
    slowTree(site, 4, 2, 30);
    const redis = await startRedis();
    try {
      const out = join(tmp, 'out');
      const running = startNode(['dist/cli/main.js', 'crawl', site.url('/'), '--redis', redis.url, '--crawl-id', 'lost', '-c', '2', '--redis-retry', '1000', '-o', out, ...common]);
      await site.waitForHit('/a1/b0');
      await redis.stop();
      const result = await running.result;
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Lost the connection to Redis');
      expect((await readFile(join(out, 'pages.jsonl'), 'utf8')).trim().split('\n').length).toBeGreaterThan(5);
    } finally {
      await redis.close();
    }
  });
});
