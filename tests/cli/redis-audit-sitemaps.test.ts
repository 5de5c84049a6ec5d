/**
 * `sitecrawl audit --sitemap --redis` with three worker processes: the sitemaps are read once for the whole crawl (one
 * worker reads them and hands their entries to the others through Redis), the export reports them as a one-process
 * audit does, and a reader that dies mid-read is replaced by another worker.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describe, expect, test } from '../helpers/fixtures.js';
import { startRedis } from '../helpers/redis-server.js';
import type { RedisServer } from '../helpers/redis-server.js';
import { gatedPages, hitsByPath } from '../helpers/redis-site.js';
import { runCli, startNode } from '../helpers/run-process.js';
import type { Site } from '../helpers/site.js';

let server: Promise<RedisServer> | undefined;
afterAll(async () => (await server)?.close());

// -c 3: the sections answer only once three are asked for at once, and in the second test the reader runs alone until
// it is killed, so one worker must be able to ask for three (with -c 2 the reader sometimes took two sections before
// reading the sitemaps and waited on them until they timed out).
const common = ['-q', '--workers', '0', '--retries', '0', '--fail-on', 'none', '--sitemap', '-c', '3'];
const xml = { 'content-type': 'application/xml' };
const SITEMAP_FILES = ['/robots.txt', '/sitemap-index.xml', '/sitemap-pages.xml', '/sitemap-gone.xml'];

// The findings of a report, whatever the order and timing: everything but the summary's timings.
async function findings(dir: string): Promise<Record<string, unknown>> {
  const report = JSON.parse(await readFile(join(dir, 'audit.json'), 'utf8')) as Record<string, unknown> & { summary: Record<string, unknown> };
  const { summary, ...lists } = report;
  const { elapsedMs: _elapsed, generatedAt: _generated, ...counts } = summary;
  return { ...lists, counts };
}

/**
 * A site with six sections (answered only once three are asked for at once), and sitemaps listed in robots.txt: an
 * index of a urlset (linked pages, orphans, a 404, redirects) and of a missing file. `holdSitemap` leaves the first request for the urlset unanswered.
 */
function mappedSite(site: Site, holdSitemap = false): void {
  const sections = Array.from({ length: 6 }, (_, i) => `/s${i}`);
  const listed = ['/', '/s1', '/s4', ...Array.from({ length: 8 }, (_, i) => `/orphan${i}`), '/listed-404', '/listed-moved', '/listed-moved-away'];
  const urlset = `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${listed.map((path) => `<url><loc>${site.url(path)}</loc></url>`).join('')}</urlset>`;
  site
    .robots(`User-agent: *\nAllow: /\nSitemap: ${site.url('/sitemap-index.xml')}\n`)
    .html('/sitemap-index.xml', `<sitemapindex><sitemap><loc>${site.url('/sitemap-pages.xml')}</loc></sitemap><sitemap><loc>${site.url('/sitemap-gone.xml')}</loc></sitemap></sitemapindex>`, xml)
    .page('/', sections, { title: 'Home of the mapped shared site' })
    .page('/away', [], { title: 'A page only a redirect reaches' })
    .redirect('/listed-moved', '/s0')
    .redirect('/listed-moved-away', '/away');
  let held = holdSitemap;
  site.route('/sitemap-pages.xml', (_req, res) => {
    if (held) {
      held = false;
      return;
    }
    res.writeHead(200, xml).end(urlset);
  });
  for (let i = 0; i < 8; i++) site.page(`/orphan${i}`, [], { title: `Orphan ${i} of the mapped shared site` });
  gatedPages(site, new Map(sections.map((path) => [path, `<!doctype html><title>Section ${path} of the mapped shared site</title><a href="/">home</a>`])), 3);
}

describe('audit --sitemap --redis: sitemaps read once per crawl', { timeout: 120_000 }, () => {
  test('three workers: each sitemap file requested once, the export reports them as a one-process audit', async ({ site, tmp }) => {
    mappedSite(site);
    const redis = (await (server ??= startRedis())).url;
    const workers = [0, 1, 2].map((i) =>
      startNode(['dist/cli/main.js', 'audit', site.url('/'), '--redis', redis, '--crawl-id', 'maps', '-o', join(tmp, `w${i}`), ...common]),
    );
    const results = await Promise.all(workers.map((worker) => worker.result));
    expect(results.map((result) => [result.code, result.stderr])).toEqual([[0, ''], [0, ''], [0, '']]);
    const hits = hitsByPath(site);
    expect(SITEMAP_FILES.map((path) => hits.get(path))).toEqual([1, 1, 1, 1]);
    // Pages, link checks and sitemap entries alike: one request per URL and method for the three workers together.
    const requests = site.requests.map((request) => `${request.method} ${request.path}`);
    expect(requests.filter((request, index) => requests.indexOf(request) !== index)).toEqual([]);
    // Every worker's own report lists the sitemaps it got from the reader.
    for (const i of [0, 1, 2]) expect((await findings(join(tmp, `w${i}`)))['sitemaps']).toHaveLength(3);
    const merged = join(tmp, 'merged');
    expect((await runCli(['export', '--redis', redis, '--crawl-id', 'maps', '-o', merged, '--fail-on', 'none'])).code).toBe(0);
    const single = join(tmp, 'single');
    expect((await runCli(['audit', site.url('/'), '-o', single, ...common])).code).toBe(0);
    const expected = await findings(single);
    expect((expected['orphans'] as unknown[]).length).toBe(9);
    expect((expected['sitemapIssues'] as unknown[]).length).toBeGreaterThan(1);
    expect(await findings(merged)).toEqual(expected);
  });

  test('the reader killed mid-read: another worker reads the sitemaps, the export still has them all', async ({ site, tmp }) => {
    mappedSite(site, true);
    const redis = (await (server ??= startRedis())).url;
    const args = (i: number) => ['dist/cli/main.js', 'audit', site.url('/'), '--redis', redis, '--crawl-id', 'maps-kill', '-o', join(tmp, `w${i}`), '--lease-ms', '1000', ...common];
    const reader = startNode(args(0));
    await site.waitForHit('/sitemap-pages.xml');
    reader.child.kill('SIGKILL');
    expect((await reader.result).signal).toBe('SIGKILL');
    const results = await Promise.all([1, 2].map((i) => startNode(args(i)).result));
    expect(results.map((result) => [result.code, result.stderr])).toEqual([[0, ''], [0, '']]);
    // Read again from the start by the worker that took over.
    expect(hitsByPath(site).get('/sitemap-pages.xml')).toBe(2);
    const merged = join(tmp, 'merged');
    expect((await runCli(['export', '--redis', redis, '--crawl-id', 'maps-kill', '-o', merged, '--fail-on', 'none'])).code).toBe(0);
    const single = join(tmp, 'single');
    expect((await runCli(['audit', site.url('/'), '-o', single, ...common])).code).toBe(0);
    const expected = await findings(single);
    expect((expected['orphans'] as unknown[]).length).toBe(9);
    expect(await findings(merged)).toEqual(expected);
  });
});
