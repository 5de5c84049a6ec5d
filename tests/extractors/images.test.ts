import { describe, expect, test } from 'vitest';
import { ImageExtractor, OptionsError } from '../../src/index.js';
import type { DownloadRequest, FoundImage, ImageExtractorOptions, Page } from '../../src/index.js';
import { htmlPage } from '../helpers/page.js';

// htmlPage's final URL is http://site.test/dir/page.html.
function downloads(body: string, options: ImageExtractorOptions = {}, finalUrl?: string): DownloadRequest[] {
  return new ImageExtractor(options).extract(htmlPage(`<!doctype html><html><head></head><body>${body}</body></html>`, finalUrl)).downloads ?? [];
}

const urls = (found: readonly DownloadRequest[]) => found.map((download) => download.url).sort();
const only = (found: readonly DownloadRequest[]) => {
  expect(found).toHaveLength(1);
  return found[0] as DownloadRequest;
};

test('img src resolves against the final URL, with alt and declared size, as a download of kind image', () => {
  const download = only(downloads('<img src="../a.png#frag" alt="  An   A " width="40" height="30">'));
  expect(download).toEqual({
    url: 'http://site.test/a.png',
    kind: 'image',
    data: { element: 'img', attribute: 'src', alt: 'An A', declaredWidth: 40, declaredHeight: 30 },
  });
});

test('srcset: the largest by width descriptor is downloaded, the others are alternates', () => {
  const download = only(downloads('<img src="small.jpg" srcset="small.jpg 320w, large.jpg 1280w, medium.jpg 640w" alt="x">'));
  expect(download.url).toBe('http://site.test/dir/large.jpg');
  expect(download.data).toMatchObject({ attribute: 'srcset', alternates: ['http://site.test/dir/small.jpg', 'http://site.test/dir/medium.jpg'] });
});

test('srcset: the highest density wins when there are no widths; src counts as 1x', () => {
  const download = only(downloads('<img src="a.png" srcset="a@2x.png 2x, a@3x.png 3x">'));
  expect(download.url).toBe('http://site.test/dir/a@3x.png');
  expect((download.data?.['alternates'] as string[]).sort()).toEqual(['http://site.test/dir/a.png', 'http://site.test/dir/a@2x.png']);
});

test('picture: one image, the largest of every source and the img, the rest as alternates', () => {
  const download = only(
    downloads(`<picture>
      <source type="image/avif" srcset="p.avif 400w, p-big.avif 1600w">
      <source type="image/webp" data-srcset="p.webp 800w">
      <img src="p.jpg" alt="picture alt" width="400">
    </picture>`),
  );
  expect(download.url).toBe('http://site.test/dir/p-big.avif');
  expect(download.data).toMatchObject({ element: 'picture', alt: 'picture alt', declaredWidth: 400 });
  expect((download.data?.['alternates'] as string[]).sort()).toEqual(
    ['http://site.test/dir/p.avif', 'http://site.test/dir/p.jpg', 'http://site.test/dir/p.webp'].sort(),
  );
});

test.each(['data-src', 'data-original', 'data-lazy-src'])('lazy %s beats the placeholder src', (attribute) => {
  const download = only(downloads(`<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" ${attribute}="/real.jpg" alt="lazy">`));
  expect(download.url).toBe('http://site.test/real.jpg');
  expect(download.data).toMatchObject({ attribute, alt: 'lazy' });
  expect(download.data?.['alternates']).toBeUndefined();
});

test('lazy data-srcset is read like srcset', () => {
  const download = only(downloads('<img src="/placeholder.gif" data-srcset="/l-1.jpg 100w, /l-2.jpg 900w">'));
  expect(download.url).toBe('http://site.test/l-2.jpg');
  expect(download.data?.['alternates']).toEqual(['http://site.test/l-1.jpg', 'http://site.test/placeholder.gif']);
});

test('og:image and twitter:image (by property or name), input[type=image] and video poster', () => {
  const found = downloads(`
    <meta property="og:image" content="/og.png"><meta name="twitter:image" content="https://cdn.test/tw.png">
    <meta property="og:title" content="/not-an-image.png">
    <input type="image" src="/button.gif" alt="Go"><input type="text" src="/no.gif">
    <video poster="/poster.jpg"></video>`);
  expect(urls(found)).toEqual(['http://site.test/button.gif', 'http://site.test/og.png', 'http://site.test/poster.jpg', 'https://cdn.test/tw.png']);
  expect(found.find((download) => download.url.endsWith('/button.gif'))?.data).toMatchObject({ element: 'input', alt: 'Go' });
  expect(found.find((download) => download.url.endsWith('/og.png'))?.data).toMatchObject({ element: 'meta', attribute: 'content' });
});

test('inline style backgrounds on any element', () => {
  const found = downloads(`<div style="background-image: url('/bg.png')"></div><section style="background: url(hero.webp) center / cover; color: red"></section>
    <span style="color: blue"></span>`);
  expect(urls(found)).toEqual(['http://site.test/bg.png', 'http://site.test/dir/hero.webp']);
  expect(found[0]?.data).toMatchObject({ element: 'div', attribute: 'style' });
});

test('<base href> changes what relative image URLs resolve against', () => {
  const page = htmlPage('<html><head><base href="https://static.test/assets/"></head><body><img src="a.png"><div style="background:url(b.png)"></div></body></html>');
  expect(urls(new ImageExtractor().extract(page).downloads ?? [])).toEqual(['https://static.test/assets/a.png', 'https://static.test/assets/b.png']);
});

test('icons are skipped unless includeIcons', () => {
  const body = '<link rel="icon" href="/favicon.ico"><link rel="shortcut icon" href="/f2.png"><link rel="apple-touch-icon" href="/touch.png"><link rel="stylesheet" href="/s.css"><img src="/a.png">';
  expect(urls(downloads(body))).toEqual(['http://site.test/a.png']);
  expect(urls(downloads(body, { includeIcons: true }))).toEqual(['http://site.test/a.png', 'http://site.test/f2.png', 'http://site.test/favicon.ico', 'http://site.test/touch.png']);
});

test('data: URIs are skipped by default and kept whole with includeDataUris', () => {
  const uri = 'data:image/png;base64,iVBORw0KGgo=';
  const body = `<img src="${uri}" alt="inline"><img src="/a.png">`;
  expect(urls(downloads(body))).toEqual(['http://site.test/a.png']);
  expect(urls(downloads(body, { includeDataUris: true }))).toEqual([uri, 'http://site.test/a.png'].sort());
});

test('links to image files are images (includeLinked, default on), with the thumbnail alt; other links are not', () => {
  const body = '<a href="/full.jpg"><img src="/thumb.jpg" alt="Thumb"></a><a href="/page.html">page</a><a href="/photo.PNG?x=1">Photo</a>';
  const found = downloads(body);
  expect(urls(found)).toEqual(['http://site.test/full.jpg', 'http://site.test/photo.PNG?x=1', 'http://site.test/thumb.jpg']);
  expect(found.find((download) => download.url.endsWith('/full.jpg'))?.data).toMatchObject({ element: 'a', alt: 'Thumb' });
  expect(urls(downloads(body, { includeLinked: false }))).toEqual(['http://site.test/thumb.jpg']);
});

describe('imageScope is relative to the page the image is on', () => {
  const body = '<img src="/same.png"><img src="http://cdn.site.test/cdn.png"><img src="http://other.test/o.png">';
  test.each([
    ['any', ['http://cdn.site.test/cdn.png', 'http://other.test/o.png', 'http://site.test/same.png']],
    ['domain', ['http://cdn.site.test/cdn.png', 'http://site.test/same.png']],
    ['host', ['http://site.test/same.png']],
  ] as const)('%s', (imageScope, expected) => {
    expect(urls(downloads(body, { imageScope }))).toEqual(expected);
  });
});

test('a URL found twice on a page is one download, with the first non-empty alt', () => {
  const found = downloads('<meta property="og:image" content="/a.png"><img src="/a.png" alt="Hello"><img src="/a.png" alt="Other">');
  expect(only(found).data).toMatchObject({ element: 'meta', alt: 'Hello' });
});

test('unusable references are ignored: empty, javascript:, unparsable', () => {
  expect(downloads('<img src=""><img src="   "><img src="javascript:void(0)"><img src="http://[bad"><img>')).toEqual([]);
});

test('steps can be overridden: selectImages, shouldKeep and toDownload', () => {
  class LargeOnly extends ImageExtractor {
    protected override shouldKeep(image: FoundImage, page: Page): boolean {
      return super.shouldKeep(image, page) && (image.declaredWidth ?? 0) >= 100;
    }
    protected override toDownload(image: FoundImage): DownloadRequest {
      return { ...super.toDownload(image), kind: 'big-image' };
    }
  }
  const found = new LargeOnly().extract(htmlPage('<img src="/a.png" width="50"><img src="/b.png" width="500">')).downloads ?? [];
  expect(found.map((download) => [download.url, download.kind])).toEqual([['http://site.test/b.png', 'big-image']]);
});

test('options are plain data, validated, and workerSpec rebuilds the same extractor', async () => {
  const extractor = new ImageExtractor({ includeIcons: true, imageScope: 'domain' });
  expect(extractor.options).toEqual({ includeIcons: true, includeDataUris: false, includeLinked: true, imageScope: 'domain' });
  const spec = extractor.workerSpec();
  const module = (await import(spec.module)) as Record<string, new (...args: unknown[]) => ImageExtractor>;
  const rebuilt = new (module[spec.exportName] as new (...args: unknown[]) => ImageExtractor)(...structuredClone(spec.args));
  expect(rebuilt.options).toEqual(extractor.options);
  expect(() => new ImageExtractor({ imageScop: 'host' } as ImageExtractorOptions)).toThrow(OptionsError);
  expect(() => new ImageExtractor({ imageScope: 'planet' as 'host' })).toThrow(OptionsError);
});
