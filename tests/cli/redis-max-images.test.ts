/**
 * `sitecrawl images --max-images N --redis` with three worker processes: N is exact for the crawl, not per worker
 * (slots are reserved in Redis before a file is written), and reaching it stops every worker.
 */
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describe, expect, test } from '../helpers/fixtures.js';
import { listFiles, readJsonLines, serveImage } from '../helpers/harvest.js';
import { png } from '../helpers/images.js';
import { startRedis } from '../helpers/redis-server.js';
import type { RedisServer } from '../helpers/redis-server.js';
import { gatedPages } from '../helpers/redis-site.js';
import { runCli, startNode } from '../helpers/run-process.js';

let server: Promise<RedisServer> | undefined;
afterAll(async () => (await server)?.close());

const common = ['-q', '--workers', '0', '--retries', '0', '--no-thumbs', '--per-host', '8', '-c', '2', '--image-concurrency', '2'];

// Files written under a worker's images/ (its own share).
async function savedFiles(dir: string): Promise<string[]> {
  return (await listFiles(join(dir, 'images')).catch(() => [])).filter((file) => file.endsWith('.png'));
}

describe('images --redis --max-images: one limit for all workers', { timeout: 120_000 }, () => {
  test('three workers: exactly N images saved in all, the export has N', async ({ site, tmp }) => {
    const max = 7;
    const sections = Array.from({ length: 9 }, (_, i) => `/s${i}`);
    site.page('/', sections);
    // Three images per section, two URLs of one content, and a copy of a section's image on another section.
    const html = (i: number) =>
      `<!doctype html><title>s${i}</title>${[0, 1, 2].map((k) => `<img src="/i${i}-${k}.png">`).join('')}` +
      `${i === 1 ? '<img src="/same-a.png">' : ''}${i === 5 ? '<img src="/same-b.png">' : ''}<a href="/">home</a>`;
    // The sections answer only once three are asked for at once: with -c 2 each, two workers or more took some.
    gatedPages(site, new Map(sections.map((path, i) => [path, html(i)])), 3);
    for (let i = 0; i < sections.length; i++) for (const k of [0, 1, 2]) serveImage(site, `/i${i}-${k}.png`, png(8 + k, 8 + i, 10 * i + k));
    serveImage(site, '/same-a.png', png(30, 30, 99));
    serveImage(site, '/same-b.png', png(30, 30, 99));
    const redis = (await (server ??= startRedis())).url;
    const crawlId = 'max-own';
    const dirs = [0, 1, 2].map((i) => join(tmp, `w${i}`));
    const workers = dirs.map((dir) =>
      startNode(['dist/cli/main.js', 'images', site.url('/'), '--redis', redis, '--crawl-id', crawlId, '-o', dir, '--max-images', String(max), ...common]),
    );
    const results = await Promise.all(workers.map((worker) => worker.result));
    expect(results.map((result) => [result.code, result.stderr])).toEqual([[0, ''], [0, ''], [0, '']]);
    const files = (await Promise.all(dirs.map(savedFiles))).flat();
    expect(files).toHaveLength(max);
    expect(new Set(files.map((file) => file.split('/').pop())).size).toBe(max);
    const status = JSON.parse((await runCli(['status', '--redis', redis, '--crawl-id', crawlId, '--json'])).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ status: 'finished', stopReason: 'max-images', leased: 0, workersAlive: 0 });
    const merged = join(tmp, 'merged');
    expect((await runCli(['export', '--redis', redis, '--crawl-id', crawlId, '-o', merged])).code).toBe(0);
    const saved = (await readJsonLines(join(merged, 'images.jsonl'))).filter((record) => record['error'] === null);
    expect(saved).toHaveLength(max);
    expect(new Set(saved.map((record) => record['sha256'])).size).toBe(max);
    // Each image URL requested once by the three workers together.
    const images = site.requests.map((request) => request.path).filter((path) => path.endsWith('.png'));
    expect(images.filter((path, index) => images.indexOf(path) !== index)).toEqual([]);
  });

  test('reaching the limit stops every worker: far fewer pages fetched than the site has', async ({ site, tmp }) => {
    // A binary tree 11 levels deep (2047 pages), each page with an image of its own.
    const levels = 11;
    const pages = 2 ** levels - 1;
    for (let n = 1; n <= pages; n++) {
      const links = n * 2 + 1 <= pages ? [`/p${n * 2}`, `/p${n * 2 + 1}`] : [];
      site.page(n === 1 ? '/' : `/p${n}`, links, { body: `<img src="/img${n}.png">` });
      serveImage(site, `/img${n}.png`, png(8, 8, n));
    }
    const redis = (await (server ??= startRedis())).url;
    const workers = [0, 1, 2].map((i) =>
      startNode(['dist/cli/main.js', 'images', site.url('/'), '--redis', redis, '--crawl-id', 'max-stop', '-o', join(tmp, `w${i}`), '--max-images', '5', ...common]),
    );
    const results = await Promise.all(workers.map((worker) => worker.result));
    expect(results.map((result) => [result.code, result.stderr])).toEqual([[0, ''], [0, ''], [0, '']]);
    expect((await Promise.all([0, 1, 2].map((i) => savedFiles(join(tmp, `w${i}`))))).flat()).toHaveLength(5);
    const status = JSON.parse((await runCli(['status', '--redis', redis, '--crawl-id', 'max-stop', '--json'])).stdout) as { stopReason: string; pages: number };
    expect(status.stopReason).toBe('max-images');
    // Without the shared stop each worker would crawl on to the last level; the bound is loose on purpose.
    expect(status.pages).toBeLessThan(pages / 10);
  });

  test('a worker joining a crawl that reached --max-images saves nothing and stops', async ({ site, tmp }) => {
    site.page('/', [], { body: '<img src="/a.png"><img src="/b.png"><img src="/c.png">' });
    for (const [i, name] of ['a', 'b', 'c'].entries()) serveImage(site, `/${name}.png`, png(8, 8, i + 1));
    const redis = (await (server ??= startRedis())).url;
    const args = (dir: string) => ['images', site.url('/'), '--redis', redis, '--crawl-id', 'max-late', '-o', join(tmp, dir), '--max-images', '2', ...common];
    expect((await runCli(args('first'))).code).toBe(0);
    expect(await savedFiles(join(tmp, 'first'))).toHaveLength(2);
    const late = await runCli(args('late'));
    expect(late.code).toBe(0);
    expect(await savedFiles(join(tmp, 'late'))).toEqual([]);
  });
});
