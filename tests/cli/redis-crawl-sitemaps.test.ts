/**
 * `sitecrawl crawl --sitemap` and `images --sitemap` with several `--redis` workers: the sitemaps are read once for
 * the whole crawl, their URLs join the start URLs at depth 0 before any worker takes a page (so the depths and
 * parents are a one-process crawl's), and a reader that dies mid-read is replaced by another worker.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describe, expect, test } from '../helpers/fixtures.js';
import { readJsonLines, serveImage } from '../helpers/harvest.js';
import { png } from '../helpers/images.js';
import { startRedis } from '../helpers/redis-server.js';
import type { RedisServer } from '../helpers/redis-server.js';
import { gatedPages, hitsByPath } from '../helpers/redis-site.js';
import { runCli, startNode } from '../helpers/run-process.js';
import type { Site } from '../helpers/site.js';

let server: Promise<RedisServer> | undefined;
afterAll(async () => (await server)?.close());
const redisUrl = async () => (await (server ??= startRedis())).url;

const common = ['-q', '--workers', '0', '--retries', '0', '--sitemap', '-c', '2'];
const xml = { 'content-type': 'application/xml' };
const SITEMAP_FILES = ['/robots.txt', '/sitemap-index.xml', '/sitemap-a.xml', '/sitemap-b.xml'];
const ORPHANS = Array.from({ length: 8 }, (_, i) => `/orphan${i}`);

const urlset = (site: Site, paths: readonly string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths.map((path) => `<url><loc>${site.url(path)}</loc></url>`).join('')}</urlset>`;

// What a worker said besides the sitemap-listed 404 it reports.
const unexpected = (stderr: string) => stderr.split('\n').filter((line) => line !== '' && !line.includes('/gone"')).join('\n');

/** Depth, URL and parent of each line of a pages.jsonl, sorted. */
async function depthsAndParents(file: string): Promise<string[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
  return lines
    .map((line) => JSON.parse(line) as { url: string; depth: number; parent: string | null })
    .map(({ url, depth, parent }) => `${depth} ${url} <- ${parent}`)
    .sort();
}

/**
 * A site whose robots.txt lists an index of two urlsets: the home page, a section (/s1) and a deep page (/s3/p0) the
 * links also reach, orphans only the sitemaps name (answered only once three are asked for at once: with -c 2 each,
 * several workers took some), a 404 and an out-of-scope URL. /orphan4 (in the second urlset) links to /deep, which
 * the links from the home page reach only at depth 3: it is at depth 1 only if the seeds were in before the first
 * level ended. Every page is reached at its shortest depth from one page only, so the parents are the same whoever
 * fetched what.
 * `holdSitemap` leaves the first request for /sitemap-b.xml unanswered; else it is answered after 200 ms, so a worker
 * not waiting for the seeds would take the first level without them.
 */
function mappedSite(site: Site, options: { holdSitemap?: boolean; images?: boolean } = {}): void {
  const sections = Array.from({ length: 6 }, (_, i) => `/s${i}`);
  const img = (name: string) => (options.images ? `<img src="/img/${name}.png" alt="${name}">` : '');
  site
    .robots(`User-agent: *\nAllow: /\nSitemap: ${site.url('/sitemap-index.xml')}\n`)
    .html('/sitemap-index.xml', `<sitemapindex><sitemap><loc>${site.url('/sitemap-a.xml')}</loc></sitemap><sitemap><loc>${site.url('/sitemap-b.xml')}</loc></sitemap></sitemapindex>`, xml)
    .html('/sitemap-a.xml', urlset(site, ['/', '/s1', ...ORPHANS.slice(0, 4), '/gone']).replace('</urlset>', '<url><loc>http://127.0.0.9:1/elsewhere</loc></url></urlset>'), xml)
    .page('/', sections, { title: 'Home', body: img('home') })
    .page('/deep', ['/'], { title: 'Deep', body: img('deep') })
    .status('/gone', 404);
  let held = options.holdSitemap === true;
  site.route('/sitemap-b.xml', (_req, res) => {
    if (held) {
      held = false;
      return;
    }
    const timer = setTimeout(() => res.writeHead(200, xml).end(urlset(site, [...ORPHANS.slice(4), '/s3/p0'])), 200);
    res.on('close', () => clearTimeout(timer));
  });
  for (const [i, section] of sections.entries()) {
    site.page(section, [`${section}/p0`, `${section}/p1`, '/'], { body: img(`s${i}`) });
    site.page(`${section}/p0`, ['/']).page(`${section}/p1`, i === 2 ? ['/deep'] : ['/']);
  }
  const orphan = (path: string, i: number) =>
    `<!doctype html><title>Orphan ${i}</title>${img(`orphan${i}`)}<a href="${path}/child">child</a><a href="/">home</a>${i === 4 ? '<a href="/deep">deep</a>' : ''}`;
  gatedPages(site, new Map(ORPHANS.map((path, i) => [path, orphan(path, i)])), 3);
  for (const path of ORPHANS) site.page(`${path}/child`, ['/']);
  const images = ['home', 'deep', ...sections.map((_, i) => `s${i}`), ...ORPHANS.map((_, i) => `orphan${i}`)];
  if (options.images) for (const [i, name] of images.entries()) serveImage(site, `/img/${name}.png`, png(8, 8, i + 1));
}

// Several CLI processes per test: generous time on a loaded machine.
describe('crawl/images --sitemap --redis: sitemaps as seeds, read once per shared crawl', { timeout: 120_000 }, () => {
  test('three workers: each sitemap file and page requested once, the export equals a one-process crawl', async ({ site, tmp }) => {
    mappedSite(site);
    const redis = await redisUrl();
    const workers = [0, 1, 2].map((i) => startNode(['dist/cli/main.js', 'crawl', site.url('/'), '--redis', redis, '--crawl-id', 'seeds', '-o', join(tmp, `w${i}`), ...common]));
    const results = await Promise.all(workers.map((worker) => worker.result));
    expect(results.map((result) => [result.code, unexpected(result.stderr)])).toEqual([[0, ''], [0, ''], [0, '']]);
    const hits = hitsByPath(site);
    expect(SITEMAP_FILES.map((path) => hits.get(path))).toEqual([1, 1, 1, 1]);
    expect([...hits].filter(([, count]) => count !== 1)).toEqual([]);
    for (const path of [...ORPHANS, '/deep', '/s3/p0', '/gone']) expect(hits.get(path)).toBe(1);
    const merged = join(tmp, 'merged');
    expect((await runCli(['export', '--redis', redis, '--crawl-id', 'seeds', '-o', merged])).code).toBe(0);
    const single = join(tmp, 'single');
    expect((await runCli(['crawl', site.url('/'), '-o', single, ...common])).code).toBe(0);
    const expected = await depthsAndParents(join(single, 'pages.jsonl'));
    expect(expected).toContain(`0 ${site.url('/orphan0')} <- null`);
    expect(expected).toContain(`1 ${site.url('/deep')} <- ${site.url('/orphan4')}`);
    expect(expected).toContain(`0 ${site.url('/s3/p0')} <- null`);
    expect(expected).toHaveLength(1 + 6 + 12 + 8 + 8 + 2);
    expect(await depthsAndParents(join(merged, 'pages.jsonl'))).toEqual(expected);
  });

  test('the reader killed mid-read: another worker reads the sitemaps again, the export still equals a one-process crawl', async ({ site, tmp }) => {
    mappedSite(site, { holdSitemap: true });
    const redis = await redisUrl();
    const args = (i: number) => ['dist/cli/main.js', 'crawl', site.url('/'), '--redis', redis, '--crawl-id', 'seeds-kill', '-o', join(tmp, `w${i}`), '--lease-ms', '1000', ...common];
    const reader = startNode(args(0));
    await site.waitForHit('/sitemap-b.xml');
    reader.child.kill('SIGKILL');
    expect((await reader.result).signal).toBe('SIGKILL');
    const results = await Promise.all([1, 2].map((i) => startNode(args(i)).result));
    expect(results.map((result) => [result.code, unexpected(result.stderr)])).toEqual([[0, ''], [0, '']]);
    const hits = hitsByPath(site);
    // Read again from the start by the worker that took over; no page was taken before the seeds were all in.
    expect(SITEMAP_FILES.map((path) => hits.get(path))).toEqual([1, 2, 2, 2]);
    expect([...hits].filter(([path, count]) => count !== 1 && !SITEMAP_FILES.includes(path))).toEqual([]);
    const merged = join(tmp, 'merged');
    expect((await runCli(['export', '--redis', redis, '--crawl-id', 'seeds-kill', '-o', merged])).code).toBe(0);
    const single = join(tmp, 'single');
    expect((await runCli(['crawl', site.url('/'), '-o', single, ...common])).code).toBe(0);
    const expected = await depthsAndParents(join(single, 'pages.jsonl'));
    expect(expected).toContain(`1 ${site.url('/deep')} <- ${site.url('/orphan4')}`);
    expect(await depthsAndParents(join(merged, 'pages.jsonl'))).toEqual(expected);
  });

  test('images --sitemap, two workers: the images of pages only the sitemaps name are saved, each requested once', async ({ site, tmp }) => {
    mappedSite(site, { images: true });
    const redis = await redisUrl();
    const flags = [...common, '--no-thumbs', '--min-width', '4'];
    const workers = [0, 1].map((i) => startNode(['dist/cli/main.js', 'images', site.url('/'), '--redis', redis, '--crawl-id', 'seeds-images', '-o', join(tmp, `w${i}`), ...flags]));
    const results = await Promise.all(workers.map((worker) => worker.result));
    expect(results.map((result) => [result.code, unexpected(result.stderr)])).toEqual([[0, ''], [0, '']]);
    const hits = hitsByPath(site);
    expect(SITEMAP_FILES.map((path) => hits.get(path))).toEqual([1, 1, 1, 1]);
    expect([...hits].filter(([, count]) => count !== 1)).toEqual([]);
    const merged = join(tmp, 'merged');
    expect((await runCli(['export', '--redis', redis, '--crawl-id', 'seeds-images', '-o', merged])).code).toBe(0);
    const pagesOf = (records: readonly Record<string, unknown>[]) => records.flatMap((record) => (record['pages'] as string[] | undefined) ?? [record['page'] as string]).sort();
    const saved = await readJsonLines(join(merged, 'images.jsonl'));
    for (const path of [...ORPHANS, '/deep']) expect(pagesOf(saved)).toContain(site.url(path));
    const single = join(tmp, 'single');
    expect((await runCli(['images', site.url('/'), '-o', single, ...flags])).code).toBe(0);
    expect(pagesOf(saved)).toEqual(pagesOf(await readJsonLines(join(single, 'images.jsonl'))));
  });
});
