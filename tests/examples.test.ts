import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from './helpers/fixtures.js';
import { startNode } from './helpers/run-process.js';
import { listFiles, serveImage } from './helpers/harvest.js';
import { png } from './helpers/images.js';

// Each example is a real program: run it as a user would (through tsx, importing 'sitecrawl' from the built package).
async function runExample(name: string, startUrl: string, outDir: string) {
  const result = await startNode(['--import', 'tsx', join('examples', name), startUrl, outDir]).result;
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result;
}

async function readJsonLines(path: string): Promise<Array<Record<string, unknown>>> {
  return (await readFile(path, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('title-crawler.ts collects the title of every page within two levels', async ({ site, tmp }) => {
  site.page('/', ['/a'], { title: 'Home' }).page('/a', ['/b'], { title: 'A' }).page('/b', ['/c'], { title: 'B' }).page('/c', [], { title: 'C' });
  await runExample('title-crawler.ts', site.url('/'), tmp);
  const records = await readJsonLines(join(tmp, 'records.jsonl'));
  expect(records.map((record) => record['title']).sort()).toEqual(['A', 'B', 'Home']);
  expect(site.hits('/c')).toBe(0);
});

test('extractors.ts records titles and headings with their extractor type', async ({ site, tmp }) => {
  site.page('/', ['/a'], { title: 'Home', body: '<h2>Intro</h2><h3>Detail</h3>' }).page('/a', [], { title: 'A', body: '<h2>More</h2>' });
  await runExample('extractors.ts', site.url('/'), tmp);
  const records = await readJsonLines(join(tmp, 'records.jsonl'));
  const headings = records.filter((record) => record['type'] === 'headings').map((record) => `${record['level']}:${record['text']}`);
  expect(headings.sort()).toEqual(['2:Intro', '2:More', '3:Detail']);
  expect(records.filter((record) => record['type'] === 'title')).toHaveLength(2);
  expect(await readJsonLines(join(tmp, 'pages.jsonl'))).toHaveLength(2);
});

test('selectors.ts records posts with a SelectorExtractor and a summary built with page.select()', async ({ site, tmp }) => {
  const post = (slug: string, tags: string[], featured = false) =>
    `<article><h2><a href="${slug}">${slug.toUpperCase()}</a></h2>${featured ? '<b class="featured">*</b>' : ''}` +
    `<ul class="tags">${tags.map((tag) => `<li>${tag}</li>`).join('')}</ul></article>`;
  site
    .page('/', ['/older'], { body: post('first', ['a', 'b'], true) + post('second', []) + '<a href="http://127.0.0.2:9/x">out</a><a rel="nofollow" href="http://127.0.0.3:9/">no</a>' })
    .page('/older', [], { body: post('third', ['c']) });
  for (const slug of ['/first', '/second', '/third']) site.page(slug, []);
  await runExample('selectors.ts', site.url('/'), tmp);
  const records = await readJsonLines(join(tmp, 'records.jsonl'));
  const posts = records.filter((record) => record['type'] === 'post').map(({ title, link, tags }) => ({ title, link, tags }));
  expect(posts.sort((a, b) => String(a.title).localeCompare(String(b.title)))).toEqual([
    { title: 'FIRST', link: site.url('/first'), tags: ['a', 'b'] },
    { title: 'SECOND', link: site.url('/second'), tags: [] },
    { title: 'THIRD', link: site.url('/third'), tags: ['c'] },
  ]);
  const summaries = [site.url('/'), site.url('/older')].map((url) => records.find((record) => record['type'] === 'summary' && record['url'] === url)!);
  expect(summaries.map(({ featured, external }) => ({ featured, external }))).toEqual([
    { featured: 'FIRST', external: ['http://127.0.0.2:9/x'] },
    { featured: null, external: [] },
  ]);
});

test('json-api.ts sends its Authorization header, follows next links through a paginated JSON API and saves every item', async ({ site, tmp }) => {
  for (let page = 1; page <= 4; page++) {
    const body = JSON.stringify({ items: [{ id: page * 10 }, { id: page * 10 + 1 }], next: page < 4 ? `/api/items?page=${page + 1}` : null });
    // As a real image API: no Authorization, no data.
    site.route(`/api/items?page=${page}`, (req, res) => {
      if (req.headers['authorization'] !== 'Client-ID example-client-id') res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
  }
  await runExample('json-api.ts', site.url('/api/items?page=1'), tmp);
  const records = await readJsonLines(join(tmp, 'records.jsonl'));
  expect(records.map((record) => record['id'])).toEqual([10, 11, 20, 21, 30, 31, 40, 41]);
  const apiCalls = site.requests.filter((request) => request.path.startsWith('/api/'));
  expect(apiCalls.map((request) => request.headers['authorization'])).toEqual(Array(4).fill('Client-ID example-client-id'));
});

test('images.ts saves the images of a site, filtered by width, with a manifest and a gallery', async ({ site, tmp }) => {
  site.page('/', ['/a'], { body: '<img src="/big.png" alt="big"><img src="/icon.png">' });
  site.page('/a', ['/b'], { body: '<img srcset="/photo-1x.png 1x, /photo-2x.png 2x">' }).page('/b', ['/c'], {}).page('/c', [], { body: '<img src="/too-deep.png">' });
  serveImage(site, '/big.png', png(64, 48, 1));
  serveImage(site, '/icon.png', png(16, 16, 2));
  serveImage(site, '/photo-2x.png', png(80, 80, 3));
  await runExample('images.ts', site.url('/'), tmp);
  const records = await readJsonLines(join(tmp, 'images.jsonl'));
  const outcome = (record: Record<string, unknown>) => `${new URL(String(record['url'])).pathname} ${(record['error'] as { code: string } | null)?.code ?? 'saved'}`;
  expect(records.map(outcome).sort()).toEqual(['/big.png saved', '/icon.png too-small', '/photo-2x.png saved']);
  expect(await listFiles(tmp, join(tmp, 'images'))).toHaveLength(2);
  expect(await readFile(join(tmp, 'index.html'), 'utf8')).toContain('alt="big"');
  expect(site.hits('/photo-1x.png') + site.hits('/too-deep.png')).toBe(0);
});

test('audit.ts audits a site from code: broken links with their referrers, and the three report files', async ({ site, tmp }) => {
  site.page('/', ['/a', '/gone', '/a#section'], { title: 'Home of the example site' }).page('/a', ['/gone'], { title: 'Page a of the example site' });
  const result = await runExample('audit.ts', site.url('/'), tmp);
  expect(result.stdout).toContain(`404 ${site.url('/gone')} <- ${site.url('/')}, ${site.url('/a')}`);
  const report = JSON.parse(await readFile(join(tmp, 'audit.json'), 'utf8')) as { summary: { broken: number; fragmentIssues: number } };
  expect(report.summary).toMatchObject({ broken: 1, fragmentIssues: 1 });
  expect((await readFile(join(tmp, 'audit.csv'), 'utf8')).split('\r\n')).toHaveLength(4);
  expect(await readFile(join(tmp, 'report.html'), 'utf8')).toContain('<table id="t-broken"');
});

test('service.ts submits an images job to the service and waits for its signed webhook', async ({ site, tmp }) => {
  site.page('/', ['/a'], { body: '<img src="/big.png" alt="big">' }).page('/a', [], { body: '<img src="/small.png">' });
  serveImage(site, '/big.png', png(64, 48, 1));
  serveImage(site, '/small.png', png(16, 16, 2));
  const result = await runExample('service.ts', site.url('/'), tmp);
  const id = /submitted job (\w+) \(queued\)/.exec(result.stdout)?.[1];
  expect(result.stdout).toContain(`job ${id} done: 2 pages, 1 images saved`);
  expect(result.stdout).toContain(`gallery: http://127.0.0.1:`);
  const job = JSON.parse(await readFile(join(tmp, id!, 'job.json'), 'utf8'));
  expect(job).toMatchObject({ state: 'done', webhook: { attempts: [{ status: 204, error: null }] } });
  expect(await readJsonLines(join(tmp, id!, 'images.jsonl'))).toHaveLength(2);
});
