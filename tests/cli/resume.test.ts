import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CrawlStateDb } from '../../src/index.js';
import { UsageError, parseCrawlArgs } from '../../src/cli/args.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import { runCli, startNode } from '../helpers/run-process.js';
import type { Site } from '../helpers/site.js';
import { pageKeys, treeSite } from '../helpers/tree-site.js';

const CONCURRENCY = 4;
const common = ['-q', '--workers', '0', '-c', String(CONCURRENCY), '--retries', '0'];

/** Requests per path since request number `from`. */
function hitsSince(site: Site, from: number): Map<string, number> {
  const hits = new Map<string, number>();
  for (const request of site.requests.slice(from)) hits.set(request.path, (hits.get(request.path) ?? 0) + 1);
  return hits;
}

function status(path: string): string | undefined {
  const db = CrawlStateDb.open(path);
  try {
    return db.run.get()?.status;
  } finally {
    db.close();
  }
}

describe('crawl --persist, SIGKILL, --resume', { timeout: 120_000 }, () => {
  // Kill points: the server receiving the request named (the crawl is breadth-first: / is depth 0, /aI depth 1,
  // /aI/bJ depth 2, /aI/bJ/cK depth 3). '/a0/b0/c0' is the first request of the last level: between two levels.
  test.for([
    ['during levels 0 and 1', '/a3'],
    ['in the middle of level 2', '/a5/b5'],
    ['between levels 2 and 3', '/a0/b0/c0'],
    ['in the middle of level 3', '/a6/b2/c1'],
  ] as const)('killed %s, the resumed run writes what an uninterrupted one does, fetching again only what was in flight', async ([, killAt], { site, tmp }) => {
    const pages = treeSite(site, 10, 3);
    expect(pages).toBeGreaterThan(300);
    const clean = await runCli(['crawl', site.url('/'), '-o', join(tmp, 'clean'), ...common]);
    expect(clean.code).toBe(0);
    const cleanPages = await readFile(join(tmp, 'clean', 'pages.jsonl'), 'utf8');
    const cleanRecords = (await readFile(join(tmp, 'clean', 'records.jsonl'), 'utf8')).trim().split('\n').sort();

    const out = join(tmp, 'out');
    const from = site.requests.length;
    const running = startNode(['dist/cli/main.js', 'crawl', site.url('/'), '-o', out, '--persist', ...common]);
    await site.waitForHit(killAt, 2); // the clean run asked once
    running.child.kill('SIGKILL');
    expect((await running.result).signal).toBe('SIGKILL');
    expect(status(join(out, 'state.db'))).toBe('running');

    const resumed = await runCli(['crawl', '--resume', '-o', out, ...common]);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const text = await readFile(join(out, 'pages.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(pageKeys(text)).toEqual(pageKeys(cleanPages));
    const records = (await readFile(join(out, 'records.jsonl'), 'utf8')).trim().split('\n').sort();
    expect(records).toEqual(cleanRecords);
    expect(status(join(out, 'state.db'))).toBe('finished');

    // Every page was requested once by the clean run; the killed run and its resume together ask for each at most
    // twice, and for at most `concurrency` twice (robots.txt is asked again by each process).
    const hits = hitsSince(site, from);
    hits.delete('/robots.txt');
    expect(hits.size).toBe(pages);
    const twice = [...hits].filter(([, count]) => count > 1);
    for (const [, count] of twice) expect(count).toBe(2);
    expect(twice.length).toBeLessThanOrEqual(CONCURRENCY);

    // Resuming a finished run makes no request and prints nothing new.
    const before = site.requests.length;
    const again = await runCli(['crawl', '--resume', '-o', out, ...common]);
    expect(again.code).toBe(0);
    expect(site.requests.length).toBe(before);
    expect(await readFile(join(out, 'pages.jsonl'), 'utf8')).toBe(text);
  });
});

describe('--persist and --resume flags', () => {
  test('parse: --resume needs no URL and implies --persist; contradictions are usage errors', () => {
    expect(parseCrawlArgs(['--resume', '-o', 'out'])).toMatchObject({ resume: true, persist: true, outDir: 'out' });
    expect(parseCrawlArgs(['http://127.0.0.1/', '--persist'])).toMatchObject({ resume: false, persist: true });
    expect(() => parseCrawlArgs(['--persist'])).toThrow(/needs at least one start URL/);
    expect(() => parseCrawlArgs(['--resume', '--overwrite'])).toThrow(UsageError);
    expect(() => parseCrawlArgs(['http://127.0.0.1/', '--persist', '--format', 'csv'])).toThrow(/--persist writes JSON Lines/);
  });
});

describe('--resume refuses what it cannot continue, with exit 2', () => {
  test('no state in OUT: a clear message, and no state file is created', async ({ site, tmp }) => {
    site.page('/', []);
    const out = join(tmp, 'out');
    const result = await runCli(['crawl', '--resume', '-o', out, '-q']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--resume: .* holds no crawl state \(state\.db\) to resume: start the run with --persist/);
    expect(existsSync(join(out, 'state.db'))).toBe(false);
    expect(site.requests).toHaveLength(0);
  });

  test('an option that would change the result is named, with how to start fresh; harmless ones may change', async ({ site, tmp }) => {
    treeSite(site, 3, 1);
    const out = join(tmp, 'out');
    const controller = await runCli(['crawl', site.url('/'), '-o', out, '--persist', '--max-pages', '3', ...common]);
    expect(controller.code).toBe(0);
    for (const [flag, value, named] of [
      ['--depth', '1', '--depth'],
      ['--max-pages', '10', '--max-pages'],
      ['--scope', 'any', '--scope'],
      ['--ignore-robots', undefined, '--ignore-robots'],
      ['--user-agent', 'other', '--user-agent'],
    ] as const) {
      const args = value === undefined ? [flag] : [flag, value];
      const result = await runCli(['crawl', '--resume', '-o', out, ...args, '-q']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^sitecrawl crawl: ${named}: .*use --overwrite to start fresh`));
    }
    const otherUrl = await runCli(['crawl', site.url('/a0'), '--resume', '-o', out, '-q']);
    expect(otherUrl.code).toBe(2);
    expect(otherUrl.stderr).toMatch(/start URLs .*use --overwrite to start fresh/);
    // The same URL and --max-pages, and another concurrency, are fine: the run is finished, so nothing is fetched.
    const requests = site.requests.length;
    const same = await runCli(['crawl', site.url('/'), '--resume', '-o', out, '--max-pages', '3', '-c', '1', '--log-level', 'error', '-q']);
    expect(same.code).toBe(0);
    expect(site.requests.length).toBe(requests);
  });

  test('a damaged state file is refused and left as it was; a fresh --persist run does not replace it without --overwrite', async ({ site, tmp }) => {
    site.page('/', []);
    const out = join(tmp, 'out');
    await runCli(['crawl', site.url('/'), '-o', out, '--persist', '-q']);
    const whole = await readFile(join(out, 'state.db'));
    const damaged = whole.subarray(0, whole.length - 100);
    await writeFile(join(out, 'state.db'), damaged);
    const resumed = await runCli(['crawl', '--resume', '-o', out, '-q']);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/state\.db is damaged/);
    expect(await readFile(join(out, 'state.db'))).toEqual(damaged);
    const fresh = await runCli(['crawl', site.url('/'), '-o', out, '--persist', '-q']);
    expect(fresh.code).toBe(2);
    expect(fresh.stderr).toMatch(/earlier run .*state\.db.*--overwrite/);
    expect(await readFile(join(out, 'state.db'))).toEqual(damaged);
    const overwritten = await runCli(['crawl', site.url('/'), '-o', out, '--persist', '--overwrite', '-q']);
    expect(overwritten.code).toBe(0);
    expect(status(join(out, 'state.db'))).toBe('finished');
  });

  test('a second process on the same OUT is refused (state-locked); SIGINT marks the run interrupted and --resume finishes it', async ({ site, tmp }) => {
    let slowHits = 0;
    site.page('/', ['/fast', '/slow']).page('/fast', []);
    site.route('/slow', (_req, res) => {
      // The first request never gets an answer; the resumed run's does.
      if (++slowHits > 1) res.end('<!doctype html><title>slow</title>');
    });
    const out = join(tmp, 'out');
    const running = startNode(['dist/cli/main.js', 'crawl', site.url('/'), '-o', out, '--persist', '-q', '--workers', '0']);
    await site.waitForHit('/slow');
    await site.waitForHit('/fast');
    const second = await runCli(['crawl', '--resume', '-o', out, '-q']);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/in use by another sitecrawl process/);
    const overwrite = await runCli(['crawl', site.url('/'), '-o', out, '--persist', '--overwrite', '-q']);
    expect(overwrite.code).toBe(2);
    expect(overwrite.stderr).toMatch(/in use by another sitecrawl process/);
    running.child.kill('SIGINT');
    expect((await running.result).code).toBe(130);
    expect(status(join(out, 'state.db'))).toBe('interrupted');
    const resumed = await runCli(['crawl', '--resume', '-o', out, '-q']);
    expect(resumed.code).toBe(0);
    const urls = pageKeys(await readFile(join(out, 'pages.jsonl'), 'utf8')).map((page) => new URL(page.url).pathname);
    expect(urls.sort()).toEqual(['/', '/fast', '/slow']);
    expect(site.hits('/fast')).toBe(1);
    expect(site.hits('/')).toBe(1);
    expect(status(join(out, 'state.db'))).toBe('finished');
  });
});
