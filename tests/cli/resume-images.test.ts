import { createHash } from 'node:crypto';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { CrawlStateDb } from '../../src/storage/sqlite/crawl-state-db.js';
import type { ImageWrite } from '../../src/storage/done-set.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import { listFiles, readJsonLines, serveImage } from '../helpers/harvest.js';
import { png } from '../helpers/images.js';
import { expectRefetchesWithin, hitsSince, stateStatus } from '../helpers/resume.js';
import { runCli, startNode } from '../helpers/run-process.js';
import type { Site } from '../helpers/site.js';
import { pageKeys } from '../helpers/tree-site.js';

const CONCURRENCY = 4;
const IMAGE_CONCURRENCY = 4;
const common = ['-q', '--workers', '0', '-c', String(CONCURRENCY), '--image-concurrency', String(IMAGE_CONCURRENCY), '--retries', '0', '--min-width', '3'];

/**
 * A three-level site (`/`, `/aI`, `/aI/bJ`) whose pages show images: one of their own, two shared by every page of a
 * branch, a copy of another's bytes under a second URL, a missing one (404) and a too small one. Returns the pages.
 */
function imageSite(site: Site, fanout = 6): number {
  const range = (count: number) => Array.from({ length: count }, (_, index) => index);
  const imgs = (path: string, branch: number) =>
    [`/img${path}.png`, `/shared/s${branch}.png`, `/shared/t${branch % 2}.png`, `/copy${path}.png`, `/missing${path}.png`, `/tiny/${branch}.png`]
      .map((src) => `<img src="${src}" alt="${src}">`)
      .join('');
  let seed = 10;
  const serve = (path: string, branch: number) => {
    const bytes = png(8, 8, seed++);
    serveImage(site, `/img${path}.png`, bytes);
    serveImage(site, `/copy${path}.png`, bytes);
    site.status(`/missing${path}.png`, 404);
    serveImage(site, `/tiny/${branch}.png`, png(2, 2, branch + 1));
  };
  site.page('/', range(fanout).map((i) => `/a${i}`), { body: imgs('/', 0) });
  serve('/', 0);
  let pages = 1;
  for (const i of range(fanout)) {
    serveImage(site, `/shared/s${i}.png`, png(5, 5, 500 + i));
    serveImage(site, `/shared/t${i % 2}.png`, png(6, 6, 600 + (i % 2)));
    site.page(`/a${i}`, [...range(fanout).map((j) => `/a${i}/b${j}`), '/'], { body: imgs(`/a${i}`, i) });
    serve(`/a${i}`, i);
    pages++;
    for (const j of range(fanout)) {
      site.page(`/a${i}/b${j}`, ['/', `/a${i}/b0`], { body: imgs(`/a${i}/b${j}`, i) });
      serve(`/a${i}/b${j}`, i);
      pages++;
    }
  }
  return pages;
}

/** images.jsonl as sorted lines with the `pages` and `urls` lists sorted: the same set whatever order things finished in. */
async function manifest(out: string): Promise<string[]> {
  const records = await readJsonLines(join(out, 'images.jsonl'));
  return records
    .map((record) => {
      for (const key of ['pages', 'urls'] as const) if (Array.isArray(record[key])) record[key] = [...(record[key] as string[])].sort();
      // The first URL and page of a content are whichever finished first.
      const { url: _url, page: _page, depth: _depth, alt: _alt, ...rest } = record;
      return JSON.stringify(record['error'] === null ? { ...rest, urls: record['urls'] ?? [record['url']] } : record);
    })
    .sort();
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('images --persist, SIGKILL, --resume', { timeout: 120_000 }, () => {
  test.for([
    ['during level 0 while its images download', '/shared/t0.png'],
    ['mid-level 1 while images are written', '/img/a2.png'],
    ['in the middle of the last level', '/a3/b2'],
    ['while the last images are written', '/img/a5/b4.png'],
  ] as const)('killed %s, the resumed run saves what an uninterrupted one does, downloading no saved image again', async ([, killAt], { site, tmp }) => {
    const pages = imageSite(site);
    const clean = await runCli(['images', site.url('/'), '-o', join(tmp, 'clean'), ...common]);
    expect(clean.code).toBe(0);
    const cleanManifest = await manifest(join(tmp, 'clean'));
    const cleanPages = pageKeys(await readFile(join(tmp, 'clean', 'pages.jsonl'), 'utf8'));
    const cleanHits = hitsSince(site, 0);
    cleanHits.delete('/robots.txt');

    const out = join(tmp, 'out');
    const from = site.requests.length;
    const running = startNode(['dist/cli/main.js', 'images', site.url('/'), '-o', out, '--persist', ...common]);
    await site.waitForHit(killAt, 2);
    running.child.kill('SIGKILL');
    expect((await running.result).signal).toBe('SIGKILL');
    expect(stateStatus(join(out, 'state.db'))).toBe('running');
    // A file under its final name is always whole: its bytes hash to its name. (A `.part` file the kill left, under
    // its temporary name, may be partial: the resume removes it.)
    const finalNames = (await listFiles(out, join(out, 'images'))).filter((file) => !file.endsWith('.part'));
    for (const file of finalNames) {
      const bytes = await readFile(join(out, file));
      expect(file).toContain(sha256(bytes));
    }
    const savedBeforeKill = new Set(finalNames.map((file) => file.split('/').pop()?.split('.')[0]));

    const resumed = await runCli(['images', '--resume', '-o', out, ...common]);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(stateStatus(join(out, 'state.db'))).toBe('finished');
    expect(pageKeys(await readFile(join(out, 'pages.jsonl'), 'utf8'))).toEqual(cleanPages);
    expect(cleanPages).toHaveLength(pages);
    expect(await manifest(out)).toEqual(cleanManifest);
    const text = await readFile(join(out, 'images.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(await readFile(join(out, 'index.html'), 'utf8')).toEqual(expect.stringContaining('src="thumbs/'));
    expect((await listFiles(out, join(out, 'images'))).sort()).toEqual((await listFiles(join(tmp, 'clean'), join(tmp, 'clean', 'images'))).sort());
    // Every saved image has its thumbnail, also one saved just before the kill.
    expect((await listFiles(out, join(out, 'thumbs'))).sort()).toEqual((await listFiles(join(tmp, 'clean'), join(tmp, 'clean', 'thumbs'))).sort());
    expect((await readdir(out, { recursive: true })).filter((name) => name.endsWith('.part'))).toEqual([]);

    // Pages and images: each requested at most twice over the killed run and its resume, and at most `concurrency`
    // URLs twice: a page or image holds one of `concurrency` work slots from its first request until its outcome is
    // committed. An image whose file was in place before the kill was requested once: the URL that wrote it (a
    // record's first URL) was never requested again, even if its outcome was not committed yet.
    const hits = hitsSince(site, from);
    hits.delete('/robots.txt');
    expect(new Set(hits.keys())).toEqual(new Set(cleanHits.keys()));
    expectRefetchesWithin(hits, CONCURRENCY, cleanHits);
    const records = await readJsonLines(join(out, 'images.jsonl'));
    const writers = records.filter((record) => record['error'] === null && savedBeforeKill.has(String(record['sha256']))).map((record) => String(record['url']));
    expect(writers).toHaveLength(savedBeforeKill.size);
    expect(writers.filter((url) => (hits.get(new URL(url).pathname) ?? 0) > 1)).toEqual([]);
  });

  test('killed right after an image file took its final name, before its outcome was recorded: the resume adopts it, thumbnail remade, and never requests it again', async ({ site, tmp }) => {
    imageSite(site, 2);
    const args = ['-q', '--workers', '0', '-c', '1', '--image-concurrency', '1', '--retries', '0', '--min-width', '3'];
    const clean = join(tmp, 'clean');
    expect((await runCli(['images', site.url('/'), '-o', clean, ...args])).code).toBe(0);
    const cleanHits = hitsSince(site, 0);
    cleanHits.delete('/robots.txt');

    const out = join(tmp, 'out');
    const from = site.requests.length;
    const killed = await startNode(['--import', './tests/helpers/kill-after-rename.mjs', 'dist/cli/main.js', 'images', site.url('/'), '-o', out, '--persist', ...args], {
      KILL_AFTER_RENAME_TO: `${sep}images${sep}`,
    }).result;
    expect(killed.signal).toBe('SIGKILL');
    const landed = (await listFiles(out, join(out, 'images'))).filter((file) => !file.endsWith('.part'));
    expect(landed).toHaveLength(1);
    const db = CrawlStateDb.open(join(out, 'state.db'));
    const writes = db.imageWrites.entries();
    const outcome = db.images.get(writes[0]?.url ?? '');
    db.close();
    // The window: the file is in place, its write is recorded, its outcome is not.
    expect(writes.map((entry) => entry.file)).toEqual(landed);
    expect(outcome).toBeUndefined();
    const url = (writes[0] as ImageWrite).url;
    const thumb = (writes[0] as ImageWrite).record['thumb'];
    expect(typeof thumb).toBe('string');
    await rm(join(out, String(thumb)));

    const resumed = await runCli(['images', '--resume', '-o', out, ...args]);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(await manifest(out)).toEqual(await manifest(clean));
    expect((await listFiles(out, join(out, 'thumbs'))).sort()).toEqual((await listFiles(clean, join(clean, 'thumbs'))).sort());
    const hits = hitsSince(site, from);
    hits.delete('/robots.txt');
    expect(hits.get(new URL(url).pathname)).toBe(1);
    expectRefetchesWithin(hits, 1, cleanHits);
  });

  test('SIGINT stops cleanly (interrupted) and --resume finishes the run; resuming the finished run makes no request', async ({ site, tmp }) => {
    imageSite(site, 4);
    let slowHits = 0;
    site.route('/img/a1.png', (_req, res) => {
      // The first request never gets an answer, so the run is still going when SIGINT comes.
      if (++slowHits > 1) res.writeHead(200, { 'content-type': 'image/png' }).end(png(8, 8, 999));
    });
    const clean = join(tmp, 'clean');
    const out = join(tmp, 'out');
    const running = startNode(['dist/cli/main.js', 'images', site.url('/'), '-o', out, '--persist', ...common]);
    await site.waitForHit('/img/a1.png');
    running.child.kill('SIGINT');
    expect((await running.result).code).toBe(130);
    expect(stateStatus(join(out, 'state.db'))).toBe('interrupted');
    const resumed = await runCli(['images', '--resume', '-o', out, ...common]);
    expect(resumed.code).toBe(0);
    expect(stateStatus(join(out, 'state.db'))).toBe('finished');
    expect(await runCli(['images', site.url('/'), '-o', clean, ...common]).then((result) => result.code)).toBe(0);
    expect(await manifest(out)).toEqual(await manifest(clean));
    const before = site.requests.length;
    const again = await runCli(['images', '--resume', '-o', out, ...common]);
    expect(again.code).toBe(0);
    expect(site.requests.length).toBe(before);
    expect(await manifest(out)).toEqual(await manifest(clean));
  });
});

describe('images --resume refuses what it cannot continue, with exit 2', { timeout: 120_000 }, () => {
  test('no state, a state of another command, another start URL or image option; harmless options may change', async ({ site, tmp }) => {
    imageSite(site, 2);
    const none = await runCli(['images', '--resume', '-o', join(tmp, 'none'), '-q']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/holds no crawl state/);

    const crawled = join(tmp, 'crawled');
    expect((await runCli(['crawl', site.url('/'), '-o', crawled, '--persist', '-q'])).code).toBe(0);
    const other = await runCli(['images', '--resume', '-o', crawled, '-q']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds a crawl run, not a images run/);
    const back = await runCli(['crawl', '--resume', '-o', join(tmp, 'out'), '-q']);
    expect(back.code).toBe(2);

    const out = join(tmp, 'out');
    expect((await runCli(['images', site.url('/'), '-o', out, '--persist', '--min-width', '3', '-q'])).code).toBe(0);
    const asCrawl = await runCli(['crawl', '--resume', '-o', out, '-q']);
    expect(asCrawl.code).toBe(2);
    expect(asCrawl.stderr).toMatch(/holds a images run, not a crawl run/);
    for (const [args, named] of [
      [['--min-width', '4'], '--min-width'],
      [['--types', 'gif'], '--types'],
      [['--include-icons'], '--include-icons'],
      [['--depth', '1'], '--depth'],
      [[site.url('/a0')], 'start URLs'],
    ] as const) {
      const result = await runCli(['images', '--resume', '-o', out, ...args, '-q']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(named);
      expect(result.stderr).toMatch(/use --overwrite to start fresh/);
    }
    const requests = site.requests.length;
    const same = await runCli(['images', site.url('/'), '--resume', '-o', out, '--min-width', '3', '--image-concurrency', '1', '-c', '2', '-q']);
    expect(same.stderr).toBe('');
    expect(same.code).toBe(0);
    expect(site.requests.length).toBe(requests);
  });
});
