import { gzipSync } from 'node:zlib';
import { SitemapSyntaxError, parseSitemap, sitemapsFromRobots } from '../../src/index.js';
import { describe, expect, test } from '../helpers/fixtures.js';

const BASE = 'https://site.test/sitemap.xml';
const urlset = (locs: readonly string[]) => `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs.map((loc) => `<url><loc>${loc}</loc></url>`).join('\n')}</urlset>`;

describe('parseSitemap', () => {
  test.each([
    [
      'a urlset',
      '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://site.test/a</loc><lastmod>2024-01-01</lastmod></url>\n<url><loc> https://site.test/b </loc></url></urlset>',
      { kind: 'urlset', urls: ['https://site.test/a', 'https://site.test/b'] },
    ],
    [
      'an index',
      '<sitemapindex><sitemap><loc>https://site.test/s1.xml</loc></sitemap><sitemap><loc>/s2.xml.gz</loc></sitemap></sitemapindex>',
      { kind: 'index', urls: ['https://site.test/s1.xml', 'https://site.test/s2.xml.gz'] },
    ],
    [
      'entities and CDATA',
      '<urlset><url><loc>https://site.test/?a=1&amp;b=2</loc></url><url><loc><![CDATA[https://site.test/?c=3&d=4]]></loc></url><url><loc>https://site.test/&#233;</loc></url></urlset>',
      { kind: 'urlset', urls: ['https://site.test/?a=1&b=2', 'https://site.test/?c=3&d=4', 'https://site.test/%C3%A9'] },
    ],
    [
      'extension locs (images, alternates) and comments are not pages',
      '<!-- <sitemapindex> --><urlset xmlns:image="x"><url><loc>https://site.test/p</loc><image:image><image:loc>https://site.test/i.png</image:loc></image:image></url></urlset>',
      { kind: 'urlset', urls: ['https://site.test/p'] },
    ],
    [
      'a prefixed sitemap namespace',
      '<sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9"><sm:url><sm:loc>https://site.test/p</sm:loc></sm:url><loc>https://site.test/stray</loc></sm:urlset>',
      { kind: 'urlset', urls: ['https://site.test/p'] },
    ],
    ['a loc outside a url entry', '<urlset><loc>https://site.test/stray</loc><url><x><loc>https://site.test/deep</loc></x></url></urlset>', { kind: 'urlset', urls: [] }],
    ['blank lines before the XML declaration', '\n\n  <?xml version="1.0"?><urlset><url><loc>https://site.test/a</loc></url></urlset>', { kind: 'urlset', urls: ['https://site.test/a'] }],
    ['a text sitemap', '\uFEFFhttps://site.test/a\r\n\nnot a url\nhttps://site.test/b\n', { kind: 'text', urls: ['https://site.test/a', 'https://site.test/b'] }],
    ['non-http locs are dropped', '<urlset><url><loc>ftp://site.test/x</loc></url><url><loc>javascript:alert(1)</loc></url></urlset>', { kind: 'urlset', urls: [] }],
    ['an HTML page (well-formed) lists nothing', '<html><body>Not found</body></html>', { kind: 'urlset', urls: [] }],
    ['an empty body', '', { kind: 'urlset', urls: [] }],
  ])('%s', async (_name, text, expected) => {
    expect(await parseSitemap(text, BASE)).toEqual(expected);
  });

  test.each([
    ['an unclosed element', '<urlset><url><loc>https://site.test/a</loc></url>'],
    ['mismatched tags', '<urlset><url><loc>https://site.test/a</url></loc></urlset>'],
    ['an HTML page', '<!doctype html><html><head><meta charset="utf-8"><title>x</title></head><body><br></body></html>'],
    ['an unknown entity', '<urlset><url><loc>https://site.test/&nbsp;</loc></url></urlset>'],
  ])('bad XML (%s) throws SitemapSyntaxError, so none of its URLs are used', async (_name, text) => {
    await expect(parseSitemap(text, BASE)).rejects.toBeInstanceOf(SitemapSyntaxError);
  });

  test('gzipped sitemaps are unpacked as they are read', async () => {
    const body = gzipSync(urlset(['https://site.test/a', 'https://site.test/b']));
    expect(await parseSitemap(body, BASE)).toEqual({ kind: 'urlset', urls: ['https://site.test/a', 'https://site.test/b'] });
    await expect(parseSitemap(Buffer.from([0x1f, 0x8b, 1, 2, 3]), BASE)).rejects.toBeInstanceOf(SitemapSyntaxError);
  });

  test('a file past the URL limit is read up to it', async () => {
    const locs = Array.from({ length: 12 }, (_, index) => `https://site.test/${index}`);
    const parsed = await parseSitemap(urlset(locs), BASE, { maxUrls: 10 });
    expect(parsed).toEqual({ kind: 'urlset', urls: locs.slice(0, 10), cut: 'max-urls' });
    const text = await parseSitemap(locs.join('\n'), BASE, { maxUrls: 10 });
    expect(text).toEqual({ kind: 'text', urls: locs.slice(0, 10), cut: 'max-urls' });
  });

  test('a file past the byte limit (uncompressed) is read up to it, without a syntax error for the cut end', async () => {
    const locs = Array.from({ length: 100 }, (_, index) => `https://site.test/${index}`);
    const xml = urlset(locs);
    const limit = xml.indexOf('https://site.test/50<');
    for (const body of [Buffer.from(xml), gzipSync(xml)]) {
      const parsed = await parseSitemap(body, BASE, { maxBytes: limit });
      expect(parsed.cut).toBe('max-bytes');
      expect(parsed.urls).toEqual(locs.slice(0, 50));
    }
  });

  test('a body cut at the download cap keeps its URLs and is not bad XML', async () => {
    const xml = urlset(['https://site.test/a', 'https://site.test/b']);
    const parsed = await parseSitemap(xml.slice(0, xml.indexOf('https://site.test/b')), BASE, { truncated: true });
    expect(parsed).toEqual({ kind: 'urlset', urls: ['https://site.test/a'], cut: 'max-bytes' });
  });
});

test('sitemapsFromRobots reads every Sitemap line, any case, resolved and once each', () => {
  const robots = 'User-agent: *\nDisallow: /x\nSitemap: https://site.test/a.xml\nsitemap:/b.xml # comment\n  SITEMAP : https://site.test/a.xml\n';
  expect(sitemapsFromRobots(robots, 'https://site.test/robots.txt')).toEqual(['https://site.test/a.xml', 'https://site.test/b.xml']);
});
