import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderGallery } from '../../src/index.js';
import { expect, test } from '../helpers/fixtures.js';
import { harvest, serveImage } from '../helpers/harvest.js';
import { gif, png, svg } from '../helpers/images.js';

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
