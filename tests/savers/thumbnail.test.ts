import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { ImageSaver, OptionsError, renderGallery, sniffImageType } from '../../src/index.js';
import type { ImageRecord } from '../../src/index.js';
import { expect, test } from '../helpers/fixtures.js';
import { harvest, listFiles, serveImage } from '../helpers/harvest.js';
import { bmp, ico, jpeg } from '../helpers/images.js';
import type { Site } from '../helpers/site.js';

// Real images, encoded by sharp (libvips), so the thumbnailer decodes what a real site serves.
const solid = (width: number, height: number, rgb: [number, number, number]) =>
  sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });

/** A two-frame animated GIF or WebP: the first frame red, the second blue. */
async function animated(width: number, height: number, format: 'gif' | 'webp'): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 2 * 3);
  for (let i = 0; i < width * height; i++) {
    raw.set([255, 0, 0], i * 3);
    raw.set([0, 0, 255], (width * height + i) * 3);
  }
  const frames = sharp(raw, { raw: { width, height: height * 2, channels: 3, pageHeight: height } });
  return (format === 'gif' ? frames.gif({ delay: [100, 100] }) : frames.webp({ delay: [100, 100] })).toBuffer();
}

const bySuffix = (saved: Array<Record<string, unknown>>, suffix: string) => {
  const record = saved.find((item) => String(item['url']).endsWith(suffix));
  if (!record) throw new Error(`no record for ${suffix}`);
  return record;
};

async function thumbOf(outDir: string, record: Record<string, unknown>) {
  const file = await readFile(join(outDir, String(record['thumb'])));
  const { width, height, pages } = await sharp(file).metadata();
  const { dominant } = await sharp(file).stats();
  return { type: sniffImageType(file), width, height, pages, dominant };
}

function serveAll(site: Site, images: Record<string, [Buffer, string]>): void {
  site.page('/', [], { body: Object.keys(images).map((path) => `<img src="${path}" alt="${path}">`).join('') });
  for (const [path, [body, type]] of Object.entries(images)) serveImage(site, path, body, type);
}

test('each saved PNG, JPEG, WebP, AVIF and animated GIF gets a WebP thumbnail of at most 256 px, listed as thumb', async ({ site, tmp }) => {
  serveAll(site, {
    '/wide.png': [await solid(800, 400, [0, 200, 0]).png().toBuffer(), 'image/png'],
    '/tall.jpg': [await solid(300, 1200, [200, 0, 0]).jpeg().toBuffer(), 'image/jpeg'],
    '/photo.webp': [await solid(512, 512, [0, 0, 200]).webp().toBuffer(), 'image/webp'],
    '/small.avif': [await solid(64, 32, [200, 200, 0]).avif().toBuffer(), 'image/avif'],
    '/anim.gif': [await animated(300, 150, 'gif'), 'image/gif'],
    '/anim.webp': [await animated(150, 300, 'webp'), 'image/webp'],
  });
  const result = await harvest(site.url('/'), tmp, { saver: { thumbnails: true } });
  expect(result.saved).toHaveLength(6);
  const expected: Record<string, [number, number]> = {
    '/wide.png': [256, 128], '/tall.jpg': [64, 256], '/photo.webp': [256, 256], '/small.avif': [64, 32], '/anim.gif': [256, 128], '/anim.webp': [128, 256],
  };
  for (const [path, [width, height]] of Object.entries(expected)) {
    const record = bySuffix(result.saved, path);
    const sha = String(record['sha256']);
    expect(record['thumb']).toBe(`thumbs/${sha.slice(0, 2)}/${sha}.webp`);
    expect(record).not.toHaveProperty('thumbError');
    const thumb = await thumbOf(tmp, record);
    expect({ path, type: thumb.type, width: thumb.width, height: thumb.height }).toEqual({ path, type: 'webp', width, height });
  }
  // An animated image's thumbnail is its first frame (red), as one still image.
  for (const path of ['/anim.gif', '/anim.webp']) {
    const anim = await thumbOf(tmp, bySuffix(result.saved, path));
    expect({ path, pages: anim.pages ?? 1 }).toEqual({ path, pages: 1 });
    expect(anim.dominant.r).toBeGreaterThan(200);
    expect(anim.dominant.b).toBeLessThan(50);
  }
  expect(result.summary.savers).toMatchObject({ 'images.saved': 6, 'images.thumbs': 6 });
  expect(await listFiles(tmp, join(tmp, 'thumbs'))).toHaveLength(6);
  // The manifest on disk says the same.
  const manifest = (await readFile(join(tmp, 'images.jsonl'), 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(manifest.every((record) => typeof record['thumb'] === 'string')).toBe(true);
});

test('an SVG is rasterized at thumbnail size without running script or loading what it references, however large it says it is', async ({ site, tmp }) => {
  const leak = site.url('/leak.png');
  const scripted = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="400" height="200">
<script>fetch('${site.url('/script-ran')}')</script><rect width="400" height="200" fill="#00c"/>
<image href="${leak}" xlink:href="${leak}" width="10" height="10"/></svg>`;
  const huge = '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="50000" viewBox="0 0 10 5"><rect width="10" height="5" fill="#c00"/></svg>';
  serveAll(site, { '/scripted.svg': [Buffer.from(scripted), 'image/svg+xml'], '/huge.svg': [Buffer.from(huge), 'image/svg+xml'] });
  serveImage(site, '/leak.png', await solid(10, 10, [0, 0, 0]).png().toBuffer());
  const started = Date.now();
  const result = await harvest(site.url('/'), tmp, { saver: { thumbnails: true } });
  const scriptedRecord = bySuffix(result.saved, '/scripted.svg');
  expect(scriptedRecord['hasScript']).toBe(true);
  expect(await thumbOf(tmp, scriptedRecord)).toMatchObject({ type: 'webp', width: 256, height: 128 });
  expect(await thumbOf(tmp, bySuffix(result.saved, '/huge.svg'))).toMatchObject({ type: 'webp', width: 256, height: 128 });
  expect(site.hits('/leak.png')).toBe(0);
  expect(site.hits('/script-ran')).toBe(0);
  expect(Date.now() - started).toBeLessThan(20_000);
});

test('an image with no thumbnail is still saved, with the reason: ICO and BMP unsupported, an undecodable JPEG', async ({ site, tmp }) => {
  serveAll(site, {
    '/favicon.ico': [ico(32, 3), 'image/x-icon'],
    '/old.bmp': [bmp(20, 10, 4), 'image/bmp'],
    // A JPEG header without any scan data: sniffed and sized, but not decodable.
    '/header-only.jpg': [jpeg(40, 30, 5), 'image/jpeg'],
    '/good.png': [await solid(10, 10, [9, 9, 9]).png().toBuffer(), 'image/png'],
  });
  const result = await harvest(site.url('/'), tmp, { saver: { thumbnails: true }, extractor: { includeIcons: true } });
  expect(result.saved).toHaveLength(4);
  expect(result.files).toHaveLength(4);
  const reasons = Object.fromEntries(result.saved.map((record) => [new URL(String(record['url'])).pathname, (record['thumbError'] as { code?: string } | undefined)?.code ?? record['thumb']]));
  expect(reasons).toMatchObject({ '/favicon.ico': 'unsupported-type', '/old.bmp': 'unsupported-type', '/header-only.jpg': 'decode-failed' });
  expect(String(reasons['/good.png'])).toMatch(/^thumbs\/[0-9a-f]{2}\/[0-9a-f]{64}\.webp$/);
  expect(result.summary.savers).toMatchObject({ 'images.saved': 4, 'images.thumbs': 1, 'images.thumbs.failed': 3 });
});

test('thumbnails: false makes none; two URLs of one content share its thumbnail; the flat layout keeps thumbs flat', async ({ site, tmp }) => {
  const body = await solid(300, 300, [1, 2, 3]).png().toBuffer();
  serveAll(site, { '/a.png': [body, 'image/png'], '/b.png': [body, 'image/png'] });
  const off = await harvest(site.url('/'), join(tmp, 'off'), { saver: { thumbnails: false } });
  expect(off.saved).toHaveLength(1);
  expect(off.saved[0]).not.toHaveProperty('thumb');
  expect(off.saved[0]).not.toHaveProperty('thumbError');
  expect(await listFiles(join(tmp, 'off'), join(tmp, 'off', 'thumbs'))).toEqual([]);

  const flat = await harvest(site.url('/'), join(tmp, 'flat'), { saver: { thumbnails: true, layout: 'flat' } });
  const sha = String(flat.saved[0]?.['sha256']);
  expect(flat.saved[0]?.['thumb']).toBe(`thumbs/${sha}.webp`);
  expect(await listFiles(join(tmp, 'flat'), join(tmp, 'flat', 'thumbs'))).toEqual([`thumbs/${sha}.webp`]);
});

test('a re-run with skipSaved keeps the thumbnails it made, without making them again', async ({ site, tmp }) => {
  serveAll(site, { '/a.png': [await solid(500, 250, [10, 20, 30]).png().toBuffer(), 'image/png'] });
  const first = await harvest(site.url('/'), tmp, { saver: { thumbnails: true } });
  const thumb = String(first.saved[0]?.['thumb']);
  const before = await stat(join(tmp, thumb));
  const second = await harvest(site.url('/'), tmp, { saver: { thumbnails: true, skipSaved: true } });
  expect(second.saved[0]?.['thumb']).toBe(thumb);
  expect((await stat(join(tmp, thumb))).mtimeMs).toBe(before.mtimeMs);
  expect(second.summary.savers).toMatchObject({ 'images.existing': 1 });
  expect(second.summary.savers['images.thumbs'] ?? 0).toBe(0);
});

test('thumbnails is validated like the other saver options and on by default', () => {
  expect(new ImageSaver().options.thumbnails).toBe(true);
  expect(() => new ImageSaver({ thumbnails: 'no' as unknown as boolean })).toThrow(OptionsError);
  const error = (() => {
    try {
      new ImageSaver({ thumbnails: 0 as unknown as boolean });
    } catch (thrown) {
      return thrown;
    }
    return undefined;
  })();
  expect(error).toMatchObject({ code: 'invalid-option', option: 'thumbnails' });
});

test('the gallery shows each thumbnail in its card and loads the original only in the large view', () => {
  const base = { page: 'https://example.com/', bytes: 10, alt: 'x', depth: 0, error: null } as const;
  const records: ImageRecord[] = [
    { ...base, url: 'https://example.com/a.png', file: 'images/ab/ab.png', sha256: 'ab', width: 900, height: 600, type: 'png', thumb: 'thumbs/ab/ab.webp' },
    { ...base, url: 'https://example.com/b.ico', file: 'images/cd/cd.ico', sha256: 'cd', width: 16, height: 16, type: 'ico', thumbError: { code: 'unsupported-type', message: 'No thumbnail for ico images' } },
  ];
  const html = renderGallery(records);
  expect(html).toContain('<img class="small" src="thumbs/ab/ab.webp" alt="x" loading="lazy"><img class="full" src="images/ab/ab.png" alt="x" loading="lazy">');
  expect(html).toContain('<img src="images/cd/cd.ico" alt="x" loading="lazy">');
});
