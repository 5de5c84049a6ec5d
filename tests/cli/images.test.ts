import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatImageSummary } from '../../src/cli/images-command.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import { listFiles, readJsonLines, serveImage } from '../helpers/harvest.js';
import { png } from '../helpers/images.js';
import { closedPort } from '../helpers/closed-port.js';
import { runCli, startNode } from '../helpers/run-process.js';
import { startSite } from '../helpers/site.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('usage errors exit 2 with one line and make no request', () => {
  test.for([
    ['an unknown option', ['URL', '--bogus']],
    ['no start URL', []],
    ['an unknown type', ['URL', '--types', 'png,tiff']],
    ['an empty type list', ['URL', '--types', ',']],
    ['an unknown image scope', ['URL', '--image-scope', 'origin']],
    ['zero max images', ['URL', '--max-images', '0']],
    ['a negative min width', ['URL', '--min-width=-1']],
    ['a max bytes that is not a number', ['URL', '--max-bytes', 'lots']],
    ['zero image concurrency', ['URL', '--image-concurrency', '0']],
    ['an unknown layout', ['URL', '--layout', 'nested']],
    ['min bytes over max bytes', ['URL', '--min-bytes', '10', '--max-bytes', '5']],
  ] as const)('%s', async ([, args], { site, tmp }) => {
    const result = await runCli(['images', ...args.map((arg) => (arg === 'URL' ? site.url('/') : arg)), '-o', join(tmp, 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/^sitecrawl images: /);
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    expect(site.requests).toHaveLength(0);
  });
});

test('images saves files, images.jsonl, index.html and pages.jsonl; --max-bytes caps images, not pages', async ({ site, tmp }) => {
  const big = png(64, 64, 1);
  const filler = '<p>filler</p>'.repeat(2000); // a 26 kB page: over the image cap, under the page cap
  site.page('/', ['/b'], { body: `${filler}<img src="/a.png" alt="A"><img src="/big.png">` }).page('/b', [], { body: '<img src="/a.png">' });
  serveImage(site, '/a.png', png(8, 8, 2));
  serveImage(site, '/big.png', Buffer.concat([big, Buffer.alloc(5000)]));
  const out = join(tmp, 'out');
  const result = await runCli(['images', site.url('/'), '-o', out, '--max-bytes', '2000', '--workers', '0']);
  expect(result.code).toBe(0);
  const records = await readJsonLines(join(out, 'images.jsonl'));
  expect(records.map((record) => [new URL(String(record['url'])).pathname, (record['error'] as { code: string } | null)?.code ?? 'saved']).sort()).toEqual([
    ['/a.png', 'saved'],
    ['/big.png', 'too-large'],
  ]);
  const pages = await readJsonLines(join(out, 'pages.jsonl'));
  expect(pages.map((page) => [new URL(String(page['url'])).pathname, page['truncated']]).sort()).toEqual([['/', false], ['/b', false]]);
  expect(await listFiles(out, join(out, 'images'))).toEqual([records.find((record) => record['error'] === null)?.['file']]);
  const saved = records.find((record) => record['error'] === null);
  expect(saved?.['thumb']).toMatch(/^thumbs\/[0-9a-f]{2}\/[0-9a-f]{64}\.webp$/);
  expect(await listFiles(out, join(out, 'thumbs'))).toEqual([saved?.['thumb']]);
  expect(await readFile(join(out, 'index.html'), 'utf8')).toContain(`<img class="small" src="${String(saved?.['thumb'])}"`);
  expect(result.stderr).toMatch(/Images: 1 saved, 1 rejected \(too-large 1\), 2 found/);
  expect(result.stderr).toContain(`Wrote ${join(out, 'index.html')}`);
});

test('--no-thumbs makes no thumbnails; the gallery shows the saved files', async ({ site, tmp }) => {
  site.page('/', [], { body: '<img src="/a.png" alt="A">' });
  serveImage(site, '/a.png', png(8, 8, 2));
  const out = join(tmp, 'out');
  const result = await runCli(['images', site.url('/'), '-o', out, '--no-thumbs', '--workers', '0']);
  expect(result.code).toBe(0);
  const [record] = await readJsonLines(join(out, 'images.jsonl'));
  expect(record).not.toHaveProperty('thumb');
  expect(await listFiles(out, join(out, 'thumbs'))).toEqual([]);
  expect(await readFile(join(out, 'index.html'), 'utf8')).toContain(`<img src="${String(record?.['file'])}"`);
});

test('--max-images stops at exactly N files and ends the crawl there', async ({ site, tmp }) => {
  const count = 40;
  const pages = Array.from({ length: 10 }, (_, index) => `/p${index}`);
  site.page('/', pages, { body: Array.from({ length: count }, (_, index) => `<img src="/i/${index}.png">`).join('') });
  for (const path of pages) site.page(path, []);
  for (let index = 0; index < count; index++) serveImage(site, `/i/${index}.png`, png(3, 3, index + 1));
  const out = join(tmp, 'out');
  const result = await runCli(['images', site.url('/'), '-o', out, '--max-images', '5', '--image-concurrency', '32', '--per-host', '32', '--workers', '0']);
  expect(result.code).toBe(0);
  expect(await listFiles(out, join(out, 'images'))).toHaveLength(5);
  expect((await readJsonLines(join(out, 'images.jsonl'))).filter((record) => record['error'] === null)).toHaveLength(5);
  expect(result.stderr).toMatch(/Stopped \(max-images\)/);
});

test('--image-scope host keeps images on the page’s host; any (the default) takes a CDN’s too', async ({ site, tmp }) => {
  const cdn = await startSite({ host: '127.0.0.2' });
  try {
    site.page('/', [], { body: `<img src="/local.png"><img src="${cdn.url('/remote.png')}">` });
    serveImage(site, '/local.png', png(4, 4, 1));
    serveImage(cdn, '/remote.png', png(4, 4, 2));
    const host = await runCli(['images', site.url('/'), '-o', join(tmp, 'host'), '--image-scope', 'host', '-q', '--workers', '0']);
    expect(host.code).toBe(0);
    expect(cdn.hits('/remote.png')).toBe(0);
    expect((await readJsonLines(join(tmp, 'host', 'images.jsonl'))).map((record) => new URL(String(record['url'])).pathname)).toEqual(['/local.png']);
    const any = await runCli(['images', site.url('/'), '-o', join(tmp, 'any'), '-q']);
    expect(any.code).toBe(0);
    expect(cdn.hits('/remote.png')).toBe(1);
    expect((await readJsonLines(join(tmp, 'any', 'images.jsonl'))).map((record) => new URL(String(record['url'])).host).sort()).toEqual([cdn.host, site.host].sort());
  } finally {
    await cdn.close();
  }
});

test('--include-icons and --include-data-uris add favicons and inline images; links to images are not crawled as pages', async ({ site, tmp }) => {
  const inline = png(2, 2, 5);
  site.page('/', [], { head: '<link rel="icon" href="/favicon.png">', body: `<img src="data:image/png;base64,${inline.toString('base64')}"><a href="/full.png">full</a>` });
  serveImage(site, '/favicon.png', png(16, 16, 6));
  serveImage(site, '/full.png', png(50, 50, 7));
  const plain = await runCli(['images', site.url('/'), '-o', join(tmp, 'plain'), '-q', '--workers', '0']);
  expect(plain.code).toBe(0);
  expect((await readJsonLines(join(tmp, 'plain', 'images.jsonl'))).map((record) => record['url'])).toEqual([site.url('/full.png')]);
  expect((await readJsonLines(join(tmp, 'plain', 'pages.jsonl'))).map((page) => page['url'])).toEqual([site.url('/')]);
  const all = await runCli(['images', site.url('/'), '-o', join(tmp, 'all'), '-q', '--include-icons', '--include-data-uris', '--workers', '0']);
  expect(all.code).toBe(0);
  const hashes = (await readJsonLines(join(tmp, 'all', 'images.jsonl'))).map((record) => record['sha256']).sort();
  expect(hashes).toEqual([sha256(inline), sha256(png(16, 16, 6)), sha256(png(50, 50, 7))].sort());
});

test('a run killed during a slow image download leaves no file under a final name; the next run with --skip-saved completes it', async ({ site, tmp }) => {
  const slow = png(300, 300, 3);
  const fast = png(4, 4, 4);
  site.page('/', [], { body: '<img src="/fast.png"><img src="/slow.png">' });
  serveImage(site, '/fast.png', fast);
  let stallSlow = true;
  site.route('/slow.png', (_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': slow.length });
    if (!stallSlow) return void res.end(slow);
    res.write(slow.subarray(0, slow.length >> 1)); // half the bytes, then nothing
  });
  const out = join(tmp, 'out');
  const running = startNode(['dist/cli/main.js', 'images', site.url('/'), '-o', out, '-q', '--workers', '0']);
  await site.waitForHit('/slow.png');
  running.child.kill('SIGKILL');
  expect((await running.result).signal).toBe('SIGKILL');
  // Whatever is under a final name is complete: named by the SHA-256 of exactly its bytes, and never the slow image.
  // (A temporary `.part` file may remain if the kill landed while the fast image was being written.)
  for (const file of (await listFiles(out, join(out, 'images'))).filter((path) => !path.endsWith('.part'))) {
    const bytes = await readFile(join(out, file));
    expect(file).toMatch(new RegExp(`/${sha256(bytes)}\\.png$`));
    expect(sha256(bytes)).not.toBe(sha256(slow));
  }
  stallSlow = false;
  const again = await runCli(['images', site.url('/'), '-o', out, '-q', '--workers', '0', '--skip-saved']);
  expect(again.code).toBe(0);
  expect((await listFiles(out, join(out, 'images'))).map((file) => file.split('/').pop())).toEqual([`${sha256(fast)}.png`, `${sha256(slow)}.png`].sort());
  expect(await readFile(join(out, 'images', sha256(slow).slice(0, 2), `${sha256(slow)}.png`))).toEqual(slow);
});

test('--help lists the image options; the main help lists the command', async () => {
  const help = await runCli(['images', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/--max-images N/);
  expect(help.stdout).toMatch(/--image-scope S/);
  expect(help.stdout.match(/--max-bytes/g)).toHaveLength(1);
  expect((await runCli(['--help'])).stdout).toMatch(/images <url\.\.\.>/);
});

test('formatImageSummary shows saved, duplicates, existing, rejections by code and found', () => {
  expect(formatImageSummary({ 'images.found': 9, 'images.saved': 4, 'images.duplicate': 1, 'images.existing': 2, 'images.rejected': 2, 'images.rejected.http-404': 1, 'images.rejected.too-small': 1 })).toBe(
    'Images: 4 saved, 1 duplicates, 2 already saved, 2 rejected (http-404 1, too-small 1), 9 found',
  );
  expect(formatImageSummary({})).toBe('Images: 0 saved, 0 rejected, 0 found');
});

test('a start URL on a site that cannot be reached is a failed page (robots-unreachable)', async ({ tmp }) => {
  const url = `http://127.0.0.1:${await closedPort()}/`;
  const out = join(tmp, 'out');
  const result = await runCli(['images', url, '-o', out, '--workers', '0']);
  expect(result.code).toBe(0);
  const pages = await readJsonLines(join(out, 'pages.jsonl'));
  expect(pages).toEqual([expect.objectContaining({ url, status: null, error: expect.objectContaining({ code: 'robots-unreachable', cause: 'connect' }) })]);
  expect(result.stderr).toMatch(/robots-unreachable 1/);
});
