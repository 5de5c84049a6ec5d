import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from './helpers/fixtures.js';
import { startNode } from './helpers/run-process.js';

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

test('json-api.ts follows next links through a paginated JSON API and saves every item', async ({ site, tmp }) => {
  for (let page = 1; page <= 4; page++) {
    const body = { items: [{ id: page * 10 }, { id: page * 10 + 1 }], next: page < 4 ? `/api/items?page=${page + 1}` : null };
    site.html(`/api/items?page=${page}`, JSON.stringify(body), { 'content-type': 'application/json' });
  }
  await runExample('json-api.ts', site.url('/api/items?page=1'), tmp);
  const records = await readJsonLines(join(tmp, 'records.jsonl'));
  expect(records.map((record) => record['id'])).toEqual([10, 11, 20, 21, 30, 31, 40, 41]);
});
