import { copyFileSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { describe, expect, test as base } from 'vitest';
import { StateError } from '../../../src/errors.js';
import type { CrawlRequest } from '../../../src/storage/frontier-store.js';
import { CrawlStateDb } from '../../../src/storage/sqlite/crawl-state-db.js';
import { startNode } from '../../helpers/run-process.js';

const test = base.extend<{ dir: string }>({
  dir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'sitecrawl-state-'));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },
});

const WRITER = join('tests', 'storage', 'sqlite', 'fixtures', 'batch-writer.ts');
const request = (path: string, depth: number): CrawlRequest => ({ url: `http://e.com${path}`, depth, parent: depth === 0 ? null : 'http://e.com/' });
const admittedIn = (k: number): CrawlRequest[] => Array.from({ length: 100 }, (_, i) => ({ url: `http://e.com/${k}/${i}`, depth: 1, parent: `http://e.com/${k}` }));

function drain(db: CrawlStateDb, depth: number): CrawlRequest[] {
  const all: CrawlRequest[] = [];
  for (let batch = db.frontier.take(depth, 500); batch.length > 0; batch = db.frontier.take(depth, 500)) all.push(...batch);
  return all;
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(StateError);
    return (error as StateError).code;
  }
  return undefined;
}

/** Runs the batch writer until `stopAt` says to, kills it with SIGKILL, and returns the lines it printed. */
async function killWriter(path: string, mode: 'busy' | 'pending', stopAt: (line: string) => boolean): Promise<string[]> {
  const running = startNode(['--import', 'tsx', WRITER, path, mode]);
  const lines: string[] = [];
  const reader = createInterface({ input: running.child.stdout! });
  const exited = running.result;
  for await (const line of reader) {
    lines.push(line);
    if (stopAt(line)) {
      running.child.kill('SIGKILL');
      break;
    }
  }
  const result = await exited;
  expect(result.signal, result.stderr).toBe('SIGKILL');
  return lines;
}

describe('CrawlStateDb', () => {
  test('a state reopened after close keeps the frontier order, seen-set, counters, run, robots and done-sets', ({ dir }) => {
    const path = join(dir, 'state.db');
    const db = CrawlStateDb.open(path);
    expect(db.isNew).toBe(true);
    db.run.start('crawl', { maxDepth: 3, startUrls: ['http://e.com/'] }, 1000);
    db.commitBatch({ admitted: [request('/', 0), request('/a', 1), request('/b', 1), request('/c', 1)] });
    db.frontier.take(0, 1);
    db.commitBatch({ done: ['http://e.com/'], depth: 1 });
    expect(db.frontier.take(1, 1).map((item) => item.url)).toEqual(['http://e.com/a']);
    db.counters.increment('pages', 3);
    db.robots.put('http://e.com', { status: 200, body: 'User-agent: *\nCrawl-delay: 2', error: null, crawlDelayMs: 2000, fetchedAt: 5 });
    db.images.add([{ url: 'http://e.com/x.png', outcome: 'saved', sha256: 'ab12', file: 'images/ab/ab12.png' }]);
    db.linkChecks.add([{ url: 'http://f.com/', outcome: 'broken', status: 404, result: { redirects: [], anchors: null } }]);
    db.close();

    const again = CrawlStateDb.open(path);
    expect(again.isNew).toBe(false);
    expect(again.run.get()).toMatchObject({ command: 'crawl', options: { maxDepth: 3, startUrls: ['http://e.com/'] }, depth: 1, status: 'running', startedAt: 1000 });
    // The in-flight /a goes back to its place at the head; the done start URL is never handed out again.
    expect([again.frontier.size(0), again.frontier.size(1)]).toEqual([0, 3]);
    expect(drain(again, 1).map((item) => item.url)).toEqual(['http://e.com/a', 'http://e.com/b', 'http://e.com/c']);
    expect([again.seen.size(), ...again.seen.has(['http://e.com/', 'http://e.com/c', 'http://e.com/d'])]).toEqual([4, true, true, false]);
    expect(again.counters.snapshot()).toEqual({ pages: 3 });
    expect(again.robots.get('http://e.com')).toEqual({ status: 200, body: 'User-agent: *\nCrawl-delay: 2', error: null, crawlDelayMs: 2000, fetchedAt: 5 });
    expect(again.robots.get('http://g.com')).toBeUndefined();
    expect(again.images.get('http://e.com/x.png')).toEqual({ url: 'http://e.com/x.png', outcome: 'saved', sha256: 'ab12', file: 'images/ab/ab12.png' });
    expect(again.linkChecks.get('http://f.com/')).toEqual({ url: 'http://f.com/', outcome: 'broken', status: 404, result: { redirects: [], anchors: null } });
    expect([again.images.size(), again.linkChecks.size()]).toEqual([1, 1]);
    again.run.setStatus('finished', 2000);
    again.close();
    const last = CrawlStateDb.open(path);
    expect(last.run.get()).toMatchObject({ status: 'finished', finishedAt: 2000 });
    last.close();
  });

  test('70,000 URLs added to the seen-set in one commit (two stored rows) are all there after reopening', ({ dir }) => {
    const path = join(dir, 'state.db');
    const urls = Array.from({ length: 70_000 }, (_, n) => `https://site-${n % 7}.example/page-${n}.html`);
    const db = CrawlStateDb.open(path);
    db.seen.add(urls);
    db.commit();
    db.seen.add(['https://late.example/']);
    db.close();
    const again = CrawlStateDb.open(path);
    expect(again.seen.size()).toBe(70_001);
    expect(again.seen.has([...urls, 'https://late.example/']).every(Boolean)).toBe(true);
    expect(again.seen.add(['https://site-0.example/page-0.html', 'https://new.example/'])).toEqual([false, true]);
    again.close();
  });

  test('commitBatch admits only URLs new to the seen-set and marks only in-flight URLs done', ({ dir }) => {
    const db = CrawlStateDb.open(join(dir, 'state.db'));
    const first = db.commitBatch({ admitted: [request('/a', 1), request('/b', 1), request('/a', 1)] });
    expect(first.queued.map((item) => item.url)).toEqual(['http://e.com/a', 'http://e.com/b']);
    const second = db.commitBatch({ admitted: [request('/b', 2), request('/c', 2)], done: ['http://e.com/a'] });
    expect([second.queued.map((item) => item.url), second.done]).toEqual([['http://e.com/c'], 0]);
    db.frontier.take(1, 1);
    expect(db.commitBatch({ done: ['http://e.com/a', 'http://e.com/zzz'] }).done).toBe(1);
    expect([db.frontier.inFlight, db.frontier.size(1), db.frontier.size(2)]).toEqual([0, 1, 1]);
    db.close();
  });

  test('run.start refuses a state that already holds a run', ({ dir }) => {
    const db = CrawlStateDb.open(join(dir, 'state.db'));
    db.run.start('crawl', {});
    expect(() => db.run.start('crawl', {})).toThrow(/already holds a run/);
    db.close();
  });

  test('a second open of the same file, in this process or another, fails with state-locked until the first closes', async ({ dir }) => {
    const path = join(dir, 'state.db');
    const db = CrawlStateDb.open(path);
    db.commitBatch({ admitted: [request('/a', 0)] });
    expect(codeOf(() => CrawlStateDb.open(path))).toBe('state-locked');
    const child = await startNode(['--import', 'tsx', '-e', `
      import('./src/storage/sqlite/crawl-state-db.ts').then(({ CrawlStateDb }) => {
        try { CrawlStateDb.open(${JSON.stringify(path)}); console.log('opened'); } catch (error) { console.log(error.code); }
      });`]).result;
    expect(child.stdout.trim(), child.stderr).toBe('state-locked');
    db.close();
    const again = CrawlStateDb.open(path);
    expect(again.seen.size()).toBe(1);
    again.close();
  });

  test.for<[string, (path: string) => void]>([
    ['text that is not a database', (path) => writeFileSync(path, 'not a database at all, but long enough to hold a header '.repeat(4))],
    ['a database cut to half its length', (path) => truncateSync(path, Math.floor(statSync(path).size / 2))],
    ['a database with its first page overwritten', (path) => { const bytes = readFileSync(path); bytes.fill(0x5a, 0, 4096); writeFileSync(path, bytes); }],
    ['a file of 50 bytes', (path) => truncateSync(path, 50)],
  ])('%s is refused with state-corrupt and left untouched', ([_name, damage], { dir }) => {
    const path = join(dir, 'state.db');
    const db = CrawlStateDb.open(path);
    db.commitBatch({ admitted: Array.from({ length: 3000 }, (_, n) => request(`/${n}/${'x'.repeat(40)}`, 1)) });
    db.close();
    damage(path);
    copyFileSync(path, join(dir, 'before'));
    expect(codeOf(() => CrawlStateDb.open(path))).toBe('state-corrupt');
    expect(readFileSync(path).equals(readFileSync(join(dir, 'before')))).toBe(true);
  });

  test('a state written by another schema version is refused with state-incompatible', ({ dir }) => {
    const path = join(dir, 'state.db');
    CrawlStateDb.open(path).close();
    const raw = new Database(path);
    raw.prepare('UPDATE schema_version SET version = 99').run();
    raw.close();
    expect(codeOf(() => CrawlStateDb.open(path))).toBe('state-incompatible');
  });

  test('a version 2 state (before image_writes) is upgraded in place and keeps what it held; version 1 is refused', ({ dir }) => {
    const path = join(dir, 'state.db');
    const db = CrawlStateDb.open(path);
    db.commitBatch({ images: [{ url: 'http://e.com/a.png', outcome: 'saved', sha256: 'ab', file: 'images/ab/ab.png' }] });
    db.close();
    const raw = new Database(path);
    raw.exec('DROP TABLE image_writes; DROP TABLE saver_results');
    raw.prepare('UPDATE schema_version SET version = 2').run();
    raw.close();
    const upgraded = CrawlStateDb.open(path);
    try {
      expect(upgraded.isNew).toBe(false);
      expect(upgraded.images.get('http://e.com/a.png')?.outcome).toBe('saved');
      upgraded.imageWrites.add({ url: 'http://e.com/b.png', file: 'images/cd/cd.png', record: { sha256: 'cd' } });
      upgraded.commit();
      expect(upgraded.imageWrites.entries()).toEqual([{ url: 'http://e.com/b.png', file: 'images/cd/cd.png', record: { sha256: 'cd' } }]);
    } finally {
      upgraded.close();
    }
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT version FROM schema_version').pluck().get()).toBe(3);
    check.prepare('SELECT 1').get();
    check.close();
    const old = new Database(path);
    old.prepare('UPDATE schema_version SET version = 1').run();
    old.close();
    expect(codeOf(() => CrawlStateDb.open(path))).toBe('state-incompatible');
  });

  test("another program's SQLite database is refused with state-incompatible and gets none of our tables", ({ dir }) => {
    const path = join(dir, 'state.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE notes (text TEXT)');
    raw.close();
    expect(codeOf(() => CrawlStateDb.open(path))).toBe('state-incompatible');
    const after = new Database(path, { readonly: true });
    expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['notes']);
    after.close();
  });

  test('an empty state file (a process killed while creating it) opens as a new state', ({ dir }) => {
    const path = join(dir, 'state.db');
    writeFileSync(path, '');
    const db = CrawlStateDb.open(path);
    expect(db.isNew).toBe(true);
    db.close();
  });

  test('a version 2 state (before saver_results) is upgraded in place; saver results are kept with the next commit', ({ dir }) => {
    const path = join(dir, 'state.db');
    CrawlStateDb.open(path).close();
    const raw = new Database(path);
    raw.exec('DROP TABLE saver_results; DROP TABLE image_writes');
    raw.prepare('UPDATE schema_version SET version = 2').run();
    raw.close();
    const state = CrawlStateDb.open(path);
    expect(state.saverResults.get('sitemaps')).toBeUndefined();
    state.saverResults.set('sitemaps', { files: [], entries: [{ url: 'http://e.com/', sitemap: 'http://e.com/sitemap.xml' }] });
    state.commit();
    state.close();
    const reopened = CrawlStateDb.open(path);
    expect(reopened.saverResults.get('sitemaps')).toEqual({ files: [], entries: [{ url: 'http://e.com/', sitemap: 'http://e.com/sitemap.xml' }] });
    reopened.close();
  });
});

describe('CrawlStateDb after a SIGKILL', () => {
  test('a writer killed mid-way leaves every committed batch whole and the frontier consistent', async ({ dir }) => {
    const path = join(dir, 'state.db');
    const lines = await killWriter(path, 'busy', (line) => line === 'committed 40');
    const reported = lines.filter((line) => line.startsWith('committed')).length;
    const db = CrawlStateDb.open(path);
    const batches = db.counters.get('batches');
    // The kill lands while the writer keeps committing: at least what it reported, each batch whole.
    expect(batches).toBeGreaterThanOrEqual(reported);
    expect(db.counters.get('admitted')).toBe(100 * batches);
    expect(db.seen.size()).toBe(100 * batches);
    expect(db.run.get()).toBeUndefined();
    // Taken-and-done requests are never handed out again; the rest come back in order.
    const pushed = Array.from({ length: batches }, (_, k) => admittedIn(k)).flat();
    expect(drain(db, 1)).toEqual(pushed.slice(db.counters.get('done')));
    db.close();
  });

  test('a writer killed with a batch written but not committed leaves none of that batch', async ({ dir }) => {
    const path = join(dir, 'state.db');
    await killWriter(path, 'pending', (line) => line === 'pending');
    const db = CrawlStateDb.open(path);
    expect(db.counters.snapshot()).toEqual({ batches: 5, admitted: 500, done: 200 });
    expect(db.seen.size()).toBe(500);
    expect(db.seen.has(admittedIn(5).map((item) => item.url)).some(Boolean)).toBe(false);
    // The 50 requests the sixth batch took (and marked done without committing) are queued again, at the head.
    const pushed = Array.from({ length: 5 }, (_, k) => admittedIn(k)).flat();
    expect(drain(db, 1)).toEqual(pushed.slice(200));
    db.close();
  });
});

