import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileStore } from '../../src/index.js';
import { ImageManifest } from '../../src/savers/image-manifest.js';
import type { SavedImageRecord } from '../../src/savers/image-manifest.js';
import { expect, test } from '../helpers/fixtures.js';
import { harvest, pathsOf, readJsonLines, serveImage } from '../helpers/harvest.js';
import { png } from '../helpers/images.js';

const saved = (url: string, page: string, sha256: string): SavedImageRecord => ({
  url, page, file: `images/${sha256}.png`, sha256, bytes: 10, width: 1, height: 1, type: 'png', alt: '', depth: 0, error: null,
});

test('the manifest is a journal while running and one line per content after close', async ({ tmp }) => {
  const store = new FileStore(tmp);
  const manifest = new ImageManifest(store);
  expect(await manifest.open(true)).toBe(0);
  manifest.addSaved(saved('http://a/1.png', 'http://a/', 'aa'));
  manifest.addSaved(saved('http://a/copy.png', 'http://a/other', 'aa'));
  manifest.notePage('http://a/1.png', 'http://a/third');
  manifest.addRejected({ url: 'http://a/x.png', page: 'http://a/', depth: 0, error: { code: 'http-404', message: 'HTTP 404' } });
  const journal = await readJsonLines(join(tmp, 'images.jsonl'));
  expect(journal.map((line) => line['url'])).toEqual(['http://a/1.png', 'http://a/copy.png', 'http://a/x.png']);
  await manifest.close();
  const final = await readJsonLines(join(tmp, 'images.jsonl'));
  expect(final).toEqual([
    { ...saved('http://a/1.png', 'http://a/', 'aa'), urls: ['http://a/1.png', 'http://a/copy.png'], pages: ['http://a/', 'http://a/third', 'http://a/other'] },
    { url: 'http://a/x.png', page: 'http://a/', depth: 0, error: { code: 'http-404', message: 'HTTP 404' } },
  ]);
});

test('re-running into the same directory with skipSaved skips the images it has without downloading them', async ({ site, tmp }) => {
  site.page('/', [], { body: '<img src="/a.png"><img src="/b.png"><img src="/copy-of-a.png">' });
  serveImage(site, '/a.png', png(5, 5, 1));
  serveImage(site, '/b.png', png(5, 5, 2));
  serveImage(site, '/copy-of-a.png', png(5, 5, 1));
  const first = await harvest(site.url('/'), tmp);
  expect(first.files).toHaveLength(2);
  site.page('/', [], { body: '<img src="/a.png"><img src="/b.png"><img src="/copy-of-a.png"><img src="/c.png">' });
  serveImage(site, '/c.png', png(5, 5, 3));
  const second = await harvest(site.url('/'), tmp, { saver: { skipSaved: true } });
  expect([site.hits('/a.png'), site.hits('/b.png'), site.hits('/copy-of-a.png'), site.hits('/c.png')]).toEqual([1, 1, 1, 1]);
  expect(second.summary.savers).toMatchObject({ 'images.found': 4, 'images.existing': 3, 'images.saved': 1 });
  expect(second.files).toHaveLength(3);
  expect(pathsOf(second.saved.flatMap((record) => (record['urls'] as string[] | undefined) ?? [record['url']]))).toEqual(['/a.png', '/b.png', '/c.png', '/copy-of-a.png']);
});

test('with skipSaved a killed run’s journal is read back: duplicate lines merge, a torn last line is skipped, rejections are retried', async ({ site, tmp }) => {
  const a = png(5, 5, 1);
  site.page('/', [], { body: '<img src="/a.png"><img src="/a2.png"><img src="/was-404.png">' });
  serveImage(site, '/a.png', a);
  serveImage(site, '/a2.png', a);
  serveImage(site, '/was-404.png', png(5, 5, 2));
  const first = await harvest(site.url('/'), tmp);
  const record = first.saved.find((line) => line['sha256'] === createHash('sha256').update(a).digest('hex'));
  const { urls: _urls, pages: _pages, ...single } = record as Record<string, unknown>;
  const journal = [
    JSON.stringify({ ...single, url: site.url('/a.png') }),
    JSON.stringify({ ...single, url: site.url('/a2.png') }),
    JSON.stringify({ url: site.url('/was-404.png'), page: site.url('/'), depth: 0, error: { code: 'http-404', message: 'HTTP 404' } }),
    '{"url":"http://torn',
  ].join('\n');
  await rm(join(tmp, 'images'), { recursive: true });
  await mkdir(join(tmp, 'images'));
  await writeFile(join(tmp, 'images.jsonl'), journal);
  // The file of a journaled image is gone: it is downloaded again. Put it back and it is skipped.
  const again = await harvest(site.url('/'), tmp, { saver: { skipSaved: true } });
  expect(site.hits('/a.png') + site.hits('/a2.png')).toBe(4);
  expect(again.files).toHaveLength(2);
  await writeFile(join(tmp, 'images.jsonl'), journal);
  const third = await harvest(site.url('/'), tmp, { saver: { skipSaved: true } });
  expect(site.hits('/a.png') + site.hits('/a2.png')).toBe(4);
  expect(site.hits('/was-404.png')).toBe(3);
  // Two skipped by the manifest; the retried one downloads again but finds its file already there.
  expect(third.summary.savers).toMatchObject({ 'images.existing': 3 });
  expect(third.saved.map((line) => pathsOf((line['urls'] as string[] | undefined) ?? [line['url']]))).toEqual(
    expect.arrayContaining([['/a.png', '/a2.png'], ['/was-404.png']]),
  );
  expect(third.rejected).toEqual([]);
  expect((await readFile(join(tmp, 'images.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(2);
});

test('without skipSaved (the default) an existing file is kept and counted, not written again; the manifest lists this run only', async ({ site, tmp }) => {
  site.page('/', [], { body: '<img src="/a.png"><img src="/gone.png">' });
  serveImage(site, '/a.png', png(5, 5, 1));
  serveImage(site, '/gone.png', png(5, 5, 2));
  await harvest(site.url('/'), tmp);
  site.page('/', [], { body: '<img src="/a.png">' });
  const again = await harvest(site.url('/'), tmp);
  expect(site.hits('/a.png')).toBe(2);
  expect(again.summary.savers).toMatchObject({ 'images.existing': 1 });
  expect(again.summary.savers['images.saved']).toBeUndefined();
  expect(again.saved).toHaveLength(1);
  expect(pathsOf(again.records.map((record) => record['url']))).toEqual(['/a.png']);
});
