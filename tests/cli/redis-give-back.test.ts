/**
 * A shared crawl's worker claims requests a window ahead of what it is fetching. When its own pages stall, the ones it
 * claimed and has not started go back to the shared queue, so another worker fetches them instead of idling at the
 * level's end while they wait behind the slow pages.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describe, expect, test } from '../helpers/fixtures.js';
import { startRedis } from '../helpers/redis-server.js';
import type { RedisServer } from '../helpers/redis-server.js';
import { gatedPages, hitsByPath } from '../helpers/redis-site.js';
import { startNode } from '../helpers/run-process.js';

let server: Promise<RedisServer> | undefined;
afterAll(async () => (await server)?.close());

describe('crawl --redis: claimed requests waiting behind stalled pages', { timeout: 120_000 }, () => {
  test('go back to the queue, and another worker fetches them', async ({ site, tmp }) => {
    // /a and /b answer only once both are asked for at once. With -c 1 the worker that claims them together (a claim
    // takes up to twice -c) fetches /a and holds /b: only another worker can ask for /b while /a waits.
    site.page('/', ['/a', '/b', '/c']).page('/c', []);
    gatedPages(site, new Map(['/a', '/b'].map((path) => [path, `<!doctype html><title>${path}</title>`])), 2);
    const redis = (await (server ??= startRedis())).url;
    const args = (i: number) => ['dist/cli/main.js', 'crawl', site.url('/'), '--redis', redis, '--crawl-id', 'give-back', '-o', join(tmp, `w${i}`), '-q', '--workers', '0', '--retries', '0', '-c', '1', '--timeout', '60000'];
    const results = await Promise.all([0, 1].map((i) => startNode(args(i)).result));
    expect(results.map((result) => [result.code, result.stderr])).toEqual([[0, ''], [0, '']]);
    expect(['/', '/a', '/b', '/c'].map((path) => hitsByPath(site).get(path))).toEqual([1, 1, 1, 1]);
    const records = (await Promise.all([0, 1].map((i) => readFile(join(tmp, `w${i}`, 'pages.jsonl'), 'utf8'))))
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { url: string; status: number | null });
    expect(records.map((record) => `${new URL(record.url).pathname} ${record.status}`).sort()).toEqual(['/ 200', '/a 200', '/b 200', '/c 200']);
  });
});
