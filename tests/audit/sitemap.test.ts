import { gzipSync } from 'node:zlib';
import { parseSitemap, sitemapsFromRobots } from '../../src/index.js';
import { gunzipIfNeeded } from '../../src/audit/sitemap.js';
import { describe, expect, test } from '../helpers/fixtures.js';

const BASE = 'https://site.test/sitemap.xml';

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
      'extension locs (images) and comments are not pages',
      '<!-- <sitemapindex> --><urlset xmlns:image="x"><url><loc>https://site.test/p</loc><image:image><image:loc>https://site.test/i.png</image:loc></image:image></url></urlset>',
      { kind: 'urlset', urls: ['https://site.test/p'] },
    ],
    ['a text sitemap', '\uFEFFhttps://site.test/a\r\n\nnot a url\nhttps://site.test/b\n', { kind: 'text', urls: ['https://site.test/a', 'https://site.test/b'] }],
    ['non-http locs are dropped', '<urlset><url><loc>ftp://site.test/x</loc></url><url><loc>javascript:alert(1)</loc></url></urlset>', { kind: 'urlset', urls: [] }],
    ['garbage', '<html><body>Not found</body></html>', { kind: 'urlset', urls: [] }],
  ])('%s', (_name, text, expected) => {
    expect(parseSitemap(text, BASE)).toEqual(expected);
  });
});

test('sitemapsFromRobots reads every Sitemap line, any case, resolved and once each', () => {
  const robots = 'User-agent: *\nDisallow: /x\nSitemap: https://site.test/a.xml\nsitemap:/b.xml # comment\n  SITEMAP : https://site.test/a.xml\n';
  expect(sitemapsFromRobots(robots, 'https://site.test/robots.txt')).toEqual(['https://site.test/a.xml', 'https://site.test/b.xml']);
});

test('gunzipIfNeeded unpacks gzip bodies and leaves others alone', () => {
  const xml = Buffer.from('<urlset></urlset>');
  expect(gunzipIfNeeded(gzipSync(xml)).toString()).toBe('<urlset></urlset>');
  expect(gunzipIfNeeded(xml)).toBe(xml);
  expect(() => gunzipIfNeeded(Buffer.from([0x1f, 0x8b, 1, 2, 3]))).toThrow();
});
