/**
 * `sitecrawl images --redis` with two workers, then `export`: the merged images.jsonl holds the same entries as a
 * one-process images run (one record per content with every URL and page, one per rejected URL).
 */
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describe, expect, test } from '../helpers/fixtures.js';
import { readJsonLines, serveImage } from '../helpers/harvest.js';
import { png } from '../helpers/images.js';
import { startRedis } from '../helpers/redis-server.js';
import type { RedisServer } from '../helpers/redis-server.js';
import { gatedPages } from '../helpers/redis-site.js';
import { runCli, startNode } from '../helpers/run-process.js';

let server: Promise<RedisServer> | undefined;
afterAll(async () => (await server)?.close());

const common = ['-q', '--workers', '0', '--retries', '0', '--no-thumbs', '--min-width', '4'];

// What a record says, whatever worker wrote it and in what order: its URLs, pages and content, or why it failed.
function entries(records: readonly Record<string, unknown>[]): string[] {
  const sorted = (value: unknown) => (Array.isArray(value) ? [...(value as string[])].sort() : value);
  return records
    .map((record) =>
      JSON.stringify({
        urls: sorted(record['urls'] ?? [record['url']]),
        pages: sorted(record['pages'] ?? [record['page']]),
        sha256: record['sha256'],
        file: record['file'],
        error: (record['error'] as { code?: string } | null)?.code ?? null,
      }),
    )
    .sort();
}

describe('images --redis: export merges the workers\' image records', { timeout: 120_000 }, () => {
  test('two workers, export: images.jsonl has the entries of a one-process run', async ({ site, tmp }) => {
    const sections = Array.from({ length: 6 }, (_, i) => `/s${i}`);
    site.page('/', sections, { body: '<img src="/logo.png" alt="logo">' });
    for (const [i, path] of sections.entries()) {
      // Every page shows the logo; pairs of sections share a photo; one URL repeats the logo's content; one is too small.
      site.page(path, [`${path}/x`], { body: `<img src="/logo.png"><img src="/photo${i >> 1}.png"><img src="/tiny.png">${i === 3 ? '<img src="/logo-copy.png">' : ''}` });
    }
    // The leaves answer only once three are asked for at once: with -c 2 each, both workers took some.
    gatedPages(site, new Map(sections.map((path, i) => [`${path}/x`, `<!doctype html><title>leaf</title><img src="/photo${i}.png"><img src="/missing.png"><a href="/">home</a>`])), 3);
    serveImage(site, '/logo.png', png(16, 16, 1));
    serveImage(site, '/logo-copy.png', png(16, 16, 1));
    serveImage(site, '/tiny.png', png(2, 2, 9));
    for (let i = 0; i < 6; i++) serveImage(site, `/photo${i}.png`, png(10 + i, 10, 20 + i));
    const redis = (await (server ??= startRedis())).url;
    const workers = [0, 1].map((i) =>
      startNode(['dist/cli/main.js', 'images', site.url('/'), '--redis', redis, '--crawl-id', 'imgs', '-o', join(tmp, `w${i}`), '-c', '2', ...common]),
    );
    const results = await Promise.all(workers.map((worker) => worker.result));
    expect(results.map((result) => [result.code, result.stderr])).toEqual([[0, ''], [0, '']]);
    // Pages and images alike: each URL requested once by the two workers together.
    const requests = site.requests.map((request) => `${request.method} ${request.path}`);
    expect(requests.filter((request, index) => requests.indexOf(request) !== index)).toEqual([]);
    for (const i of [0, 1]) expect((await readJsonLines(join(tmp, `w${i}`, 'pages.jsonl'))).length).toBeGreaterThan(0);
    const exported = await runCli(['export', '--redis', redis, '--crawl-id', 'imgs', '-o', join(tmp, 'merged')]);
    expect(exported.code).toBe(0);
    const single = await runCli(['images', site.url('/'), '-o', join(tmp, 'single'), ...common]);
    expect(single.code).toBe(0);
    const expected = await readJsonLines(join(tmp, 'single', 'images.jsonl'));
    expect(expected.length).toBeGreaterThan(8);
    expect(entries(await readJsonLines(join(tmp, 'merged', 'images.jsonl')))).toEqual(entries(expected));
  });
});
