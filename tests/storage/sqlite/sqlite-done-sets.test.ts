import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test as base } from 'vitest';
import { CrawlStateDb } from '../../../src/storage/sqlite/crawl-state-db.js';

const test = base.extend<{ dir: string }>({
  dir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'sitecrawl-done-'));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },
});

test('done-sets, the download log and redirect claims come back after reopening', ({ dir }) => {
  const path = join(dir, 'state.db');
  const db = CrawlStateDb.open(path);
  db.commitBatch({
    images: [
      { url: 'http://e.com/a.png', outcome: 'saved', sha256: 'ab', file: 'images/ab/ab.png' },
      { url: 'http://e.com/b.png', outcome: 'duplicate', sha256: 'ab', file: 'images/ab/ab.png' },
      { url: 'http://e.com/c.png', outcome: 'too-small', sha256: null, file: null },
    ],
    linkChecks: [{ url: 'http://e.com/x', outcome: 'broken', status: 404, result: { url: 'http://e.com/x', redirects: [], method: 'GET' } }],
    downloads: [
      { page: 'http://e.com/', depth: 0, kind: 'image', url: 'http://e.com/a.png', data: { alt: 'A' } },
      { page: 'http://e.com/p', depth: 1, kind: 'link-check', url: 'http://e.com/x' },
    ],
  });
  db.redirectClaims.add('http://e.com/r', 'http://e.com/t');
  db.commit();
  db.close();

  const again = CrawlStateDb.open(path);
  try {
    expect(again.images.size()).toBe(3);
    expect(again.images.size('saved')).toBe(1);
    expect(again.images.get('http://e.com/b.png')).toEqual({ url: 'http://e.com/b.png', outcome: 'duplicate', sha256: 'ab', file: 'images/ab/ab.png' });
    expect(again.images.get('http://e.com/none.png')).toBeUndefined();
    expect(again.linkChecks.get('http://e.com/x')?.result).toEqual({ url: 'http://e.com/x', redirects: [], method: 'GET' });
    expect(again.linkChecks.size('broken')).toBe(1);
    expect(again.downloads.entries()).toEqual([
      { page: 'http://e.com/', depth: 0, kind: 'image', url: 'http://e.com/a.png', data: { alt: 'A' } },
      { page: 'http://e.com/p', depth: 1, kind: 'link-check', url: 'http://e.com/x' },
    ]);
    expect(again.redirectClaims.has('http://e.com/r', 'http://e.com/t')).toBe(true);
    expect(again.redirectClaims.has('http://e.com/t', 'http://e.com/r')).toBe(false);
  } finally {
    again.close();
  }
});

test('an image write stays listed, oldest first, until its image enters the done-set', ({ dir }) => {
  const path = join(dir, 'state.db');
  const db = CrawlStateDb.open(path);
  const record = { url: 'http://e.com/a.png', file: 'images/ab/ab.png', sha256: 'ab', error: null };
  db.imageWrites.add({ url: 'http://e.com/a.png', file: 'images/ab/ab.png', record }, 1);
  db.imageWrites.add({ url: 'http://e.com/b.png', file: 'images/cd/cd.png', record: { sha256: 'cd' } }, 2);
  db.commit();
  expect(db.imageWrites.entries().map((entry) => entry.url)).toEqual(['http://e.com/a.png', 'http://e.com/b.png']);
  db.images.add([{ url: 'http://e.com/a.png', outcome: 'saved', sha256: 'ab', file: 'images/ab/ab.png' }]);
  db.commit();
  db.close();

  const again = CrawlStateDb.open(path);
  try {
    expect(again.imageWrites.entries()).toEqual([{ url: 'http://e.com/b.png', file: 'images/cd/cd.png', record: { sha256: 'cd' } }]);
    expect(again.images.get('http://e.com/a.png')?.outcome).toBe('saved');
  } finally {
    again.close();
  }
});
