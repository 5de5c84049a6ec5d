import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Crawler, OptionsError, TitleExtractor } from '../../src/index.js';
import { expect, test } from '../helpers/fixtures.js';

const crawl = (url: string, outDir: string, format: 'jsonl' | 'csv' = 'jsonl') =>
  new Crawler({ startUrls: [url], outDir, format, extractors: [new TitleExtractor()], logLevel: 'silent', workers: 0, retries: 0 }).run();

test('a run replaces the pages and records files an earlier run left, in both formats, and keeps other files', async ({ site, tmp }) => {
  site.page('/', ['/a'], { title: 'Home' }).page('/a', []);
  await crawl(site.url('/'), tmp);
  await writeFile(join(tmp, 'records.csv'), 'type,url\r\nold,x\r\n');
  await writeFile(join(tmp, 'notes.txt'), 'mine');
  // The start page is no longer HTML: this run has no records at all.
  site.route('/', (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('moved'));
  await crawl(site.url('/'), tmp, 'csv');
  expect((await readdir(tmp)).sort()).toEqual(['notes.txt', 'pages.csv']);
  expect((await readFile(join(tmp, 'pages.csv'), 'utf8')).trim().split('\r\n')).toHaveLength(2);
});

test('an output directory under procfs rejects run() with an OptionsError before any request', async ({ site }) => {
  site.page('/', []);
  await expect(crawl(site.url('/'), '/proc/sitecrawl-no-such-dir/out')).rejects.toMatchObject({ code: 'invalid-option', option: 'outDir' });
  await expect(crawl(site.url('/'), '/proc/sitecrawl-no-such-dir/out')).rejects.toBeInstanceOf(OptionsError);
  expect(site.requests).toHaveLength(0);
});
