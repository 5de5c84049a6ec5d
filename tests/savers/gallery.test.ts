import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderGallery } from '../../src/index.js';
import { expect, test } from '../helpers/fixtures.js';
import { harvest, serveImage } from '../helpers/harvest.js';
import { gif, png, scriptedSvg, svg } from '../helpers/images.js';

test('index.html lists every saved image with its file, size, dimensions and source page, offline', async ({ site, tmp }) => {
  site.page('/', ['/b'], { body: '<img src="/a.png" alt="<script>alert(1)</script>"><img src="/b.gif"><img src="/missing.png">' });
  site.page('/b', [], { body: '<img src="/c.svg">' });
  serveImage(site, '/a.png', png(12, 9));
  serveImage(site, '/b.gif', gif(3, 4), 'image/gif');
  serveImage(site, '/c.svg', svg(20, 10), 'image/svg+xml');
  const result = await harvest(site.url('/'), tmp);
  const html = await readFile(join(tmp, 'index.html'), 'utf8');
  const thumbnails = [...html.matchAll(/<img src="([^"]+)"/g)].map((match) => match[1]).sort();
  expect(thumbnails).toEqual(result.saved.map((record) => record['file']).sort());
  expect(thumbnails).toHaveLength(3);
  expect(html).toContain('12×9');
  expect(html).toContain(`href="${site.url('/b')}"`);
  expect(html).toMatch(/data-filter="gif">gif \(1\)/);
  expect(html).toContain('1 rejected');
  expect(html).not.toContain('<script>alert(1)</script>');
  expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
});

test('renderGallery percent-encodes file names and shows a vector image without pixels', () => {
  const html = renderGallery([
    { url: 'http://x/a', page: 'http://x/', file: 'images/a #1.svg', sha256: 'ab', bytes: 1500, width: null, height: null, type: 'svg', alt: '', depth: 0, error: null },
  ]);
  expect(html).toContain('src="images/a%20%231.svg"');
  expect(html).toContain('vector · 1.5 kB');
});

test('an SVG with a script is marked hasScript in images.jsonl, and the gallery links to no saved SVG file', async ({ site, tmp }) => {
  site.page('/', [], { body: '<img src="/scripted.svg"><img src="/plain.svg"><img src="/a.png">' });
  serveImage(site, '/scripted.svg', scriptedSvg(20, 10), 'image/svg+xml');
  serveImage(site, '/plain.svg', svg(20, 10, 2), 'image/svg+xml');
  serveImage(site, '/a.png', png(12, 9));
  const result = await harvest(site.url('/'), tmp);
  const byPath = new Map(result.saved.map((record) => [new URL(String(record['url'])).pathname, record]));
  expect(byPath.get('/scripted.svg')).toMatchObject({ type: 'svg', hasScript: true });
  expect(byPath.get('/plain.svg')).not.toHaveProperty('hasScript');
  expect(byPath.get('/a.png')).not.toHaveProperty('hasScript');

  const html = await readFile(join(tmp, 'index.html'), 'utf8');
  const hrefs = [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((match) => match[1] as string);
  const savedFiles = hrefs.filter((href) => !/^(https?:|#)/.test(href));
  expect(savedFiles).toEqual([String(byPath.get('/a.png')?.['file'])]);
  expect(hrefs.filter((href) => /\.svg(?:[?#]|$)/i.test(href)).every((href) => href.startsWith(site.origin))).toBe(true);
  expect(html.match(/<img src="[^"]+\.svg"/g)).toHaveLength(2);
  expect(html).toContain('has script');
  expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' file:; style-src 'sha256-[^']+'; script-src 'sha256-[^']+';/);
});

test('renderGallery gives no direct link to an SVG, even a manifest line without hasScript from an earlier run', () => {
  const html = renderGallery([
    { url: 'data:image/svg+xml;base64,…(40 chars)', page: 'http://x/', file: 'images/ab/ab.svg', sha256: 'ab', bytes: 30, width: 4, height: 4, type: 'svg', alt: '', depth: 0, error: null },
  ]);
  expect(html).not.toMatch(/href="[^"]*\.svg"/);
  expect(html).toContain('<a class="thumb" href="#i0"><img src="images/ab/ab.svg"');
});
