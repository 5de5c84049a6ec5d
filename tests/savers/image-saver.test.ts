import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageSaver } from '../../src/index.js';
import type { DownloadedImage, ImageType } from '../../src/index.js';
import { expect, test } from '../helpers/fixtures.js';
import { harvest, pathsOf, serveImage } from '../helpers/harvest.js';
import { gif, jpeg, png, svg } from '../helpers/images.js';
import { writeRepeatedly } from '../helpers/site.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

test('saves each image once under images/<ab>/<sha256>.<true ext>, with its record', async ({ site, tmp }) => {
  const photo = png(30, 20, 1);
  site.page('/', ['/b'], { body: '<img src="/photo.jpg" alt="A photo" width="300" height="200"><img src="/anim.gif">' });
  site.page('/b', [], { body: '<img src="/photo.jpg">' });
  serveImage(site, '/photo.jpg', photo, 'image/jpeg'); // a PNG behind a .jpg URL and an image/jpeg header
  serveImage(site, '/anim.gif', gif(8, 8), 'application/octet-stream');
  const result = await harvest(site.url('/'), tmp);
  const hash = sha256(photo);
  expect(result.files).toHaveLength(2);
  expect(result.files).toContain(`images/${hash.slice(0, 2)}/${hash}.png`);
  expect(result.files.filter((file) => file.endsWith('.gif'))).toHaveLength(1);
  expect(await readFile(join(tmp, 'images', hash.slice(0, 2), `${hash}.png`))).toEqual(photo);
  const record = result.saved.find((saved) => saved['url'] === site.url('/photo.jpg'));
  expect(record).toEqual({
    url: site.url('/photo.jpg'), page: site.url('/'), file: `images/${hash.slice(0, 2)}/${hash}.png`, sha256: hash, bytes: photo.length,
    width: 30, height: 20, type: 'png', alt: 'A photo', depth: 0, declaredWidth: 300, declaredHeight: 200,
    pages: [site.url('/'), site.url('/b')], error: null,
  });
  expect(site.hits('/photo.jpg')).toBe(1);
  expect(result.summary.savers).toEqual({ 'images.found': 2, 'images.saved': 2 });
});

test('identical content at two URLs is saved once; the record lists every URL and page', async ({ site, tmp }) => {
  const logo = png(16, 16, 7);
  site.page('/', ['/b'], { body: '<img src="/logo.png">' }).page('/b', [], { body: '<img src="/static/logo-copy.png"><img src="/logo.png">' });
  serveImage(site, '/logo.png', logo);
  serveImage(site, '/static/logo-copy.png', logo);
  const result = await harvest(site.url('/'), tmp);
  expect(result.files).toHaveLength(1);
  expect(result.saved).toHaveLength(1);
  const [record] = result.saved;
  expect(pathsOf(record?.['urls'] as string[])).toEqual(['/logo.png', '/static/logo-copy.png']);
  expect(pathsOf(record?.['pages'] as string[])).toEqual(['/', '/b']);
  expect(result.summary.savers).toMatchObject({ 'images.saved': 1, 'images.duplicate': 1, 'images.found': 2 });
});

test('an HTML page served as image/png is rejected as not-an-image and leaves no file', async ({ site, tmp }) => {
  site.page('/', [], { body: '<img src="/broken.png"><img src="/missing.png">' });
  site.html('/broken.png', '<!doctype html><title>Oops</title><p>Something went wrong</p>', { 'content-type': 'image/png' });
  const result = await harvest(site.url('/'), tmp);
  expect(result.files).toEqual([]);
  expect(result.rejected.map((record) => [new URL(String(record['url'])).pathname, (record['error'] as { code: string }).code]).sort()).toEqual([
    ['/broken.png', 'not-an-image'],
    ['/missing.png', 'http-404'],
  ]);
  expect(result.rejected.find((record) => String(record['url']).endsWith('/missing.png'))).toMatchObject({ page: site.url('/'), depth: 0, status: 404 });
  expect(result.summary.savers).toMatchObject({ 'images.rejected': 2, 'images.rejected.not-an-image': 1, 'images.rejected.http-404': 1 });
});

test('a body over maxBytes is cut, not downloaded in full, and rejected as too-large', async ({ site, tmp }) => {
  const total = 64 * 1024 * 1024;
  let sent = (): number => 0;
  let finished = false;
  site.page('/', [], { body: '<img src="/huge.png"><img src="/fits.png">' });
  serveImage(site, '/fits.png', png(10, 10));
  site.route('/huge.png', (_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': total });
    res.on('finish', () => (finished = true));
    const chunk = Buffer.alloc(64 * 1024);
    png(4000, 4000).copy(chunk);
    sent = writeRepeatedly(res, chunk, total);
  });
  const result = await harvest(site.url('/'), tmp, { saver: { maxBytes: 100_000 } });
  expect(result.rejected.map((record) => (record['error'] as { code: string }).code)).toEqual(['too-large']);
  expect(result.saved.map((record) => new URL(String(record['url'])).pathname)).toEqual(['/fits.png']);
  expect(finished).toBe(false);
  expect(sent()).toBeLessThan(total / 4);
});

test('minimum width, height and bytes reject too-small images; types rejects other formats', async ({ site, tmp }) => {
  site.page('/', [], { body: ['/big.png', '/narrow.png', '/short.png', '/big.gif', '/vector.svg', '/tiny.jpg'].map((src) => `<img src="${src}">`).join('') });
  serveImage(site, '/big.png', png(200, 200, 1));
  serveImage(site, '/narrow.png', png(50, 200, 2));
  serveImage(site, '/short.png', png(200, 50, 3));
  serveImage(site, '/big.gif', gif(200, 200, 4), 'image/gif');
  serveImage(site, '/vector.svg', svg(300, 300), 'image/svg+xml');
  serveImage(site, '/tiny.jpg', jpeg(300, 300), 'image/jpeg');
  const result = await harvest(site.url('/'), tmp, { saver: { minWidth: 100, minHeight: 100, minBytes: 60, types: ['png', 'svg', 'jpg'] } });
  const outcome = (record: Record<string, unknown>) => [new URL(String(record['url'])).pathname, (record['error'] as { code: string } | null)?.code ?? 'saved'];
  expect(result.records.map(outcome).sort()).toEqual([
    ['/big.gif', 'filtered-type'],
    ['/big.png', 'saved'],
    ['/narrow.png', 'too-small'],
    ['/short.png', 'too-small'],
    ['/tiny.jpg', 'too-small'],
    ['/vector.svg', 'saved'],
  ]);
  expect(result.files).toHaveLength(2);
});

test('maxImages is exact with many downloads in flight at once, and the saver signals the limit', async ({ site, tmp }) => {
  const count = 60;
  const barrier = 16;
  site.page('/', [], { body: Array.from({ length: count }, (_, index) => `<img src="/i/${index}.png">`).join('') });
  // The first 16 image requests are held until all 16 have arrived, then answered together: 16 finish at once.
  const held: Array<() => void> = [];
  let released = false;
  for (let index = 0; index < count; index++) {
    const body = png(4, 4, index + 1);
    site.route(`/i/${index}.png`, (_req, res) => {
      const answer = () => res.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length }).end(body);
      if (released) return void answer();
      held.push(answer);
      if (held.length === barrier) {
        released = true;
        for (const release of held.splice(0)) release();
      }
    });
  }
  const result = await harvest(site.url('/'), tmp, { saver: { maxImages: 7, imageConcurrency: 32 }, crawl: { concurrency: 64, perHost: 32 } });
  expect(site.peakConcurrent).toBeGreaterThanOrEqual(barrier);
  expect(result.saver.limitReached.aborted).toBe(true);
  expect(result.files).toHaveLength(7);
  expect(result.saved).toHaveLength(7);
  expect(result.summary.savers['images.saved']).toBe(7);
  expect(new Set(result.saved.map((record) => record['file'])).size).toBe(7);
});

test('image downloads start while the crawl is still running', async ({ site, tmp }) => {
  site.page('/', ['/slow'], { body: '<img src="/early.png">' });
  serveImage(site, '/early.png', png(5, 5));
  // /slow answers only once the image was requested: a saver that waited for the crawl to end would never see it.
  site.route('/slow', (_req, res) => {
    void site.waitForHit('/early.png').then(() => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>slow</title>'), () => undefined);
  });
  const result = await harvest(site.url('/'), tmp, { crawl: { timeoutMs: 5000, retries: 0 } });
  expect(result.summary.failed).toBe(0);
  expect(result.saved).toHaveLength(1);
});

test('failed downloads are recorded with their codes: timeout, robots, bad data URI; a redirect keeps finalUrl', async ({ site, tmp }) => {
  site.robots('User-agent: *\nDisallow: /private/\n');
  site.page('/', [], { body: '<img src="/stalled.png"><img src="/private/p.png"><img src="/old.png"><img src="data:image/png;base64,***">' });
  site.stall('/stalled.png').redirect('/old.png', '/new.png');
  serveImage(site, '/private/p.png', png(3, 3));
  serveImage(site, '/new.png', png(3, 3, 9));
  const result = await harvest(site.url('/'), tmp, { crawl: { timeoutMs: 300, retries: 0 }, extractor: { includeDataUris: true } });
  const codes = Object.fromEntries(result.rejected.map((record) => [String(record['url']).replace(site.origin, ''), (record['error'] as { code: string }).code]));
  expect(codes).toEqual({ '/stalled.png': 'timeout', '/private/p.png': 'robots-disallowed', 'data:image/png;base64,…(3 chars)': 'bad-data-uri' });
  expect(site.hits('/private/p.png')).toBe(0);
  expect(result.saved).toEqual([expect.objectContaining({ url: site.url('/old.png'), finalUrl: site.url('/new.png') })]);
});

test('data: URIs are decoded and saved when asked', async ({ site, tmp }) => {
  const inline = png(2, 2, 3);
  site.page('/', [], { body: `<img src="data:image/png;base64,${inline.toString('base64')}" alt="inline">` });
  const skipped = await harvest(site.url('/'), join(tmp, 'default'));
  expect(skipped.records).toEqual([]);
  const result = await harvest(site.url('/'), join(tmp, 'asked'), { extractor: { includeDataUris: true } });
  expect(result.saved).toEqual([expect.objectContaining({ url: expect.stringMatching(/^data:image\/png;base64,…/), sha256: sha256(inline), type: 'png', alt: 'inline' })]);
});

test('accept and fileName can be overridden; a name outside the output directory is rejected', async ({ site, tmp }) => {
  site.page('/', [], { body: '<img src="/wide.png" alt="wide"><img src="/tall.png" alt="tall"><img src="/evil.png" alt="evil">' });
  serveImage(site, '/wide.png', png(40, 10, 1));
  serveImage(site, '/tall.png', png(10, 40, 2));
  serveImage(site, '/evil.png', png(50, 10, 3));
  class Landscape extends ImageSaver {
    protected override accept(image: DownloadedImage): true | string {
      const verdict = super.accept(image);
      return verdict === true && (image.width ?? 0) <= (image.height ?? 0) ? 'not-landscape' : verdict;
    }
    protected override fileName(image: DownloadedImage, type: ImageType): string {
      return image.alt === 'evil' ? '../outside.png' : `by-alt/${image.alt}.${type}`;
    }
  }
  const result = await harvest(site.url('/'), tmp, {}, Landscape);
  expect(result.files).toEqual([]);
  expect(result.saved.map((record) => record['file'])).toEqual(['by-alt/wide.png']);
  expect(result.rejected.map((record) => (record['error'] as { code: string }).code).sort()).toEqual(['bad-file-name', 'not-landscape']);
});

test('an ImageSaver without an output directory fails the run before any request', async ({ site }) => {
  site.page('/', []);
  const { Crawler } = await import('../../src/index.js');
  await expect(new Crawler({ startUrls: [site.url('/')], savers: [new ImageSaver()], logLevel: 'silent', workers: 0 }).run()).rejects.toMatchObject({ code: 'invalid-option' });
  expect(() => new ImageSaver({ maxImages: 0 })).toThrow(expect.objectContaining({ option: 'maxImages' }));
  expect(() => new ImageSaver({ types: ['tiff' as ImageType] })).toThrow(expect.objectContaining({ option: 'types' }));
});
