import { appendFile, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CrawlStateDb, Crawler, ImageExtractor, ImageSaver, LinkExtractor, OptionsError, TitleExtractor, resolveOptions } from '../../src/index.js';
import { serveImage } from '../helpers/harvest.js';
import { png } from '../helpers/images.js';
import type { CrawlerOptions, PageRecord } from '../../src/index.js';
import { pageKeys, treeSite } from '../helpers/tree-site.js';
import { describe, expect, test } from '../helpers/fixtures.js';

const extractors = () => [new LinkExtractor(), new TitleExtractor()];

function options(start: string, outDir: string, more: Partial<CrawlerOptions> = {}): CrawlerOptions {
  return { startUrls: [start], outDir, extractors: extractors(), logLevel: 'silent', retries: 0, concurrency: 4, workers: 0, ...more };
}

/** A pages writer that aborts the run once `after` pages were written. */
function abortAfter(after: number, controller: AbortController) {
  let written = 0;
  return {
    write(_record: PageRecord) {
      if (++written === after) controller.abort();
    },
    close() {},
  };
}

describe('persist', () => {
  test('rejects bad values and combinations', () => {
    const base = { startUrls: ['http://127.0.0.1/'] };
    expect(() => resolveOptions({ ...base, persist: 'state.db' as never })).toThrow(/Expected `persist` to be an object \{ path \}/);
    expect(() => resolveOptions({ ...base, persist: { path: '' } })).toThrow(OptionsError);
    expect(() => resolveOptions({ ...base, persist: { path: 's.db' }, format: 'csv' })).toThrow(/JSON Lines/);
    expect(() => resolveOptions({ ...base, persist: { path: 's.db' }, seenSet: { has: () => [], add: () => [], size: () => 0 } })).toThrow(/leave out `seenSet`/);
    expect(resolveOptions({ ...base, persist: { path: 's.db' } }).persist).toEqual({ path: 's.db' });
  });

  test('a persisted run writes what an in-memory one does, is marked finished, and running it again fetches nothing', async ({ site, tmp }) => {
    const pages = treeSite(site, 4, 2);
    const clean = await new Crawler(options(site.url('/'), join(tmp, 'clean'))).run();
    const path = join(tmp, 'out', 'state.db');
    const persisted = await new Crawler(options(site.url('/'), join(tmp, 'out'), { persist: { path } })).run();
    expect(persisted.pages).toBe(pages);
    expect(persisted).toMatchObject({ pages: clean.pages, records: clean.records, byDepth: clean.byDepth, seen: clean.seen, stopReason: 'completed' });
    expect(pageKeys(await readFile(join(tmp, 'out', 'pages.jsonl'), 'utf8'))).toEqual(pageKeys(await readFile(join(tmp, 'clean', 'pages.jsonl'), 'utf8')));
    const db = CrawlStateDb.open(path);
    const finished = db.run.get();
    expect(finished).toMatchObject({ command: 'crawl', status: 'finished', depth: 3 });
    expect(db.frontier.size(3)).toBe(0);
    db.close();

    const requests = site.requests.length;
    const again = await new Crawler(options(site.url('/'), join(tmp, 'out'), { persist: { path } })).run();
    expect(site.requests.length).toBe(requests);
    expect(again).toMatchObject({ pages, stopReason: 'completed', byDepth: persisted.byDepth });
    expect(pageKeys(await readFile(join(tmp, 'out', 'pages.jsonl'), 'utf8'))).toHaveLength(pages);
    // The finished state is left as it was: still finished, its output lengths those of the files.
    const reopened = CrawlStateDb.open(path);
    expect(reopened.run.get()).toEqual(finished);
    expect(reopened.counters.get('output.pages')).toBe((await stat(join(tmp, 'out', 'pages.jsonl'))).size);
    reopened.close();
  });

  test('an aborted run resumes where it stopped: same pages, depths and parents, no duplicate line, a cut partial line', async ({ site, tmp }) => {
    treeSite(site, 6, 3);
    await new Crawler(options(site.url('/'), join(tmp, 'clean'))).run();
    const cleanHits = new Map(site.requests.map((request) => [request.path, site.hits(request.path)]));
    const out = join(tmp, 'out');
    const path = join(out, 'state.db');
    const before = site.requests.length;
    for (const stopAt of [3, 30, 60]) {
      const controller = new AbortController();
      const summary = await new Crawler(options(site.url('/'), out, { persist: { path }, signal: controller.signal, stopGraceMs: 0, pages: abortAfter(stopAt, controller) })).run();
      expect(summary.stopReason).toBe('aborted');
      const db = CrawlStateDb.open(path);
      expect(db.run.get()?.status).toBe('interrupted');
      db.close();
    }
    // A kill in the middle of a line leaves a partial one: a resume cuts it.
    await appendFile(join(out, 'pages.jsonl'), '{"url":"http://127.0.0.1/half');
    const summary = await new Crawler(options(site.url('/'), out, { persist: { path } })).run();
    expect(summary.stopReason).toBe('completed');
    const text = await readFile(join(out, 'pages.jsonl'), 'utf8');
    expect(pageKeys(text)).toEqual(pageKeys(await readFile(join(tmp, 'clean', 'pages.jsonl'), 'utf8')));
    const records = (await readFile(join(out, 'records.jsonl'), 'utf8')).trim().split('\n');
    expect(new Set(records).size).toBe(records.length);
    expect(records.length).toBe((await readFile(join(tmp, 'clean', 'records.jsonl'), 'utf8')).trim().split('\n').length);
    // Each of the three stops refetches at most the requests in flight (concurrency 4), robots.txt aside.
    const resumedHits = new Map<string, number>();
    for (const request of site.requests.slice(before)) resumedHits.set(request.path, (resumedHits.get(request.path) ?? 0) + 1);
    const refetched = [...resumedHits].filter(([path, hits]) => hits > (cleanHits.get(path) ?? 0));
    expect(refetched.length).toBeLessThanOrEqual(3 * 4);
    for (const [, hits] of refetched) expect(hits).toBeLessThanOrEqual(4);
    expect(summary.pages).toBe(pageKeys(text).length);
    // robots.txt was asked once, by the first part: its answer is in the state.
    expect(site.requests.slice(before).filter((request) => request.path === '/robots.txt')).toHaveLength(1);
  });

  test('resuming with another result option is refused, naming it, and leaves the state as it was', async ({ site, tmp }) => {
    treeSite(site, 3, 1);
    const out = join(tmp, 'out');
    const path = join(out, 'state.db');
    const controller = new AbortController();
    await new Crawler(options(site.url('/'), out, { persist: { path }, signal: controller.signal, stopGraceMs: 0, pages: abortAfter(2, controller) })).run();
    const size = (await stat(join(out, 'pages.jsonl'))).size;
    const requests = site.requests.length;
    const refused = new Crawler(options(site.url('/'), out, { persist: { path }, maxDepth: 1 })).run();
    await expect(refused).rejects.toThrow(OptionsError);
    await expect(refused).rejects.toMatchObject({ option: 'maxDepth', message: expect.stringMatching(/started with `maxDepth` 3, got 1.*start afresh/) });
    expect(site.requests.length).toBe(requests);
    expect((await stat(join(out, 'pages.jsonl'))).size).toBe(size);
    const db = CrawlStateDb.open(path);
    expect(db.run.get()?.status).toBe('interrupted');
    db.close();
    // Harmless options may change.
    const summary = await new Crawler(options(site.url('/'), out, { persist: { path }, concurrency: 2, perHost: 1 })).run();
    expect(summary.stopReason).toBe('completed');
  });
});

describe('persist: work slots', () => {
  test('pages that redirect and the images they show, on one host, with one request per host and two slots, all finish (no slot is held while waiting for a slot)', async ({ site, tmp }) => {
    const count = 12;
    const links = Array.from({ length: count }, (_, n) => `/p${n}`);
    site.page('/', links, { body: links.map((_, n) => `<img src="/i${n}.png" alt="i">`).join('') });
    for (let n = 0; n < count; n++) {
      site.redirect(`/p${n}`, `/real/p${n}`);
      site.page(`/real/p${n}`, ['/'], { body: `<img src="/i${(n + 1) % count}.png" alt="i"><img src="/moved/i${n}.png" alt="m">` });
      serveImage(site, `/i${n}.png`, png(8, 8, n + 1));
      site.redirect(`/moved/i${n}.png`, `/i${n}.png`);
    }
    const outDir = join(tmp, 'out');
    const saver = new ImageSaver({ minWidth: 1, minHeight: 1, minBytes: 1 });
    const summary = await new Crawler(
      options(site.url('/'), outDir, { concurrency: 2, perHost: 1, extractors: [new LinkExtractor(), new ImageExtractor()], savers: [saver], persist: { path: join(outDir, 'state.db') } }),
    ).run();
    expect(summary.stopReason).toBe('completed');
    expect(summary.pages).toBe(1 + count);
    expect(saver.saved).toBe(count);
    const db = CrawlStateDb.open(join(outDir, 'state.db'));
    expect(db.images.size()).toBe(2 * count);
    expect(db.imageWrites.entries()).toEqual([]);
    db.close();
  });
});
