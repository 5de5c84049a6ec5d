import { AuditExtractor, LINK_CHECK_KIND, isMixedContent, isSubresource } from '../../src/index.js';
import type { AuditPageRecord, Extracted, Extractor } from '../../src/index.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import { htmlPage } from '../helpers/page.js';

const BASE = 'http://site.test/dir/page.html';

function extract(html: string, options = {}, url = BASE): Required<Extracted<AuditPageRecord>> {
  const extracted = new AuditExtractor(options).extract(htmlPage(html, url)) as Extracted<AuditPageRecord>;
  return { records: extracted.records ?? [], links: extracted.links ?? [], downloads: extracted.downloads ?? [] };
}

function references(html: string, url = BASE) {
  return (extract(html, {}, url).records[0] as AuditPageRecord).references;
}

describe('references', () => {
  test('every element and attribute that holds a URL is reported with element, attribute and text', () => {
    const html = `<!doctype html><head><link rel="stylesheet" href="/s.css"><link rel="icon" href="fav.ico"><link rel="canonical" href="/c">
      <link rel="preconnect" href="https://cdn.test"><link rel="dns-prefetch" href="//dns.test"><script src="/app.js"></script></head><body>
      <a href="a.html">Text <b>bold</b></a><a href="/img-link"><img src="/i.png" alt="Logo"></a><map><area href="/area" alt="Zone"></map>
      <img src="/one.png" srcset="/one-2x.png 2x, /one,comma.png 3x" alt="One"><picture><source srcset="/wide.webp 800w, /narrow.webp 400w"></picture>
      <iframe src="/frame" title="Embedded"></iframe><video src="/v.mp4" poster="/poster.jpg"><track src="/subs.vtt"></video>
      <audio src="/a.mp3"></audio><embed src="/e.swf"><object data="/o.pdf"></object></body>`;
    expect(references(html).map((reference) => [new URL(reference.url).pathname, reference.element, reference.attribute, reference.text])).toEqual([
      ['/s.css', 'link', 'href', 'stylesheet'],
      ['/dir/fav.ico', 'link', 'href', 'icon'],
      ['/c', 'link', 'href', 'canonical'],
      ['/app.js', 'script', 'src', ''],
      ['/dir/a.html', 'a', 'href', 'Text bold'],
      ['/img-link', 'a', 'href', 'Logo'],
      ['/i.png', 'img', 'src', 'Logo'],
      ['/area', 'area', 'href', 'Zone'],
      ['/one.png', 'img', 'src', 'One'],
      ['/one-2x.png', 'img', 'srcset', 'One'],
      ['/one,comma.png', 'img', 'srcset', 'One'],
      ['/wide.webp', 'source', 'srcset', ''],
      ['/narrow.webp', 'source', 'srcset', ''],
      ['/frame', 'iframe', 'src', 'Embedded'],
      ['/v.mp4', 'video', 'src', ''],
      ['/poster.jpg', 'video', 'poster', ''],
      ['/subs.vtt', 'track', 'src', ''],
      ['/a.mp3', 'audio', 'src', ''],
      ['/e.swf', 'embed', 'src', ''],
      ['/o.pdf', 'object', 'data', ''],
    ]);
  });

  test('mail, phone, script and data URLs and empty values are left out; values that are not URLs are flagged', () => {
    const html = `<a href="mailto:x@test">m</a><a href="tel:1">t</a><a href="javascript:void 0">j</a><img src="data:image/png;base64,AA">
      <a href="">self</a><a href="  ">blank</a><a href="http://bad host/">bad</a><a href="ftp://files.test/x">ftp</a><a href="#frag">frag</a>`;
    expect(references(html).map((reference) => [reference.url, reference.invalid ?? false])).toEqual([
      ['http://bad host/', true],
      [`${BASE}#frag`, false],
    ]);
  });

  test('the same link twice with the same text is reported once; with other text, twice', () => {
    const html = '<a href="/x">X</a><a href="/x">X</a><a href="/x">Again</a>';
    expect(references(html).map((reference) => reference.text)).toEqual(['X', 'Again']);
  });

  test('frames of a frameset are references', () => {
    const html = '<!doctype html><html><head><title>f</title></head><frameset><frame src="/left"><frame src="/right"></frameset></html>';
    expect(references(html).map((reference) => [new URL(reference.url).pathname, reference.element])).toEqual([['/left', 'frame'], ['/right', 'frame']]);
  });

  test('<base href> is honoured', () => {
    expect(references('<base href="http://cdn.test/root/"><img src="pic.png">')[0]?.url).toBe('http://cdn.test/root/pic.png');
  });
});

describe('links and downloads', () => {
  test('a and area links go to the crawl, with nofollow marked; each URL is one download, fragment dropped', () => {
    const html = `<a href="/p#one">one</a><a href="/p#two">two</a><a rel="nofollow" href="/nf">nf</a><area href="/zone" alt="z">
      <img src="/pic.png"><img src="/p"><link rel="stylesheet" href="/s.css"><iframe src="/framed"></iframe>`;
    const { links, downloads } = extract(html);
    expect(links.map((link) => [new URL(link.url).pathname + new URL(link.url).hash, link.element, link.nofollow])).toEqual([
      ['/p#one', 'a', false],
      ['/p#two', 'a', false],
      ['/nf', 'a', true],
      ['/zone', 'area', false],
    ]);
    expect(downloads.map((download) => [new URL(download.url).pathname, download.kind, download.data?.['subresource']])).toEqual([
      ['/p', LINK_CHECK_KIND, false],
      ['/nf', LINK_CHECK_KIND, false],
      ['/zone', LINK_CHECK_KIND, false],
      ['/pic.png', LINK_CHECK_KIND, true],
      ['/s.css', LINK_CHECK_KIND, true],
      ['/framed', LINK_CHECK_KIND, false],
    ]);
  });

  test('a robots nofollow meta marks every link nofollow', () => {
    const { links } = extract('<meta name="robots" content="nofollow"><a href="/a">a</a>');
    expect(links.map((link) => link.nofollow)).toEqual([true]);
  });
});

describe('anchors, noindex and mixed content', () => {
  test('ids and a[name] are collected only when asked', () => {
    const html = '<h1 id="top-title">T</h1><a name="named"></a><span name="not-an-anchor"></span><div id="top-title"></div>';
    expect(extract(html, { anchors: true }).records[0]?.anchors).toEqual(['top-title', 'named']);
    expect(extract(html).records[0]?.anchors).toBeNull();
  });

  test.each([
    ['<meta name="robots" content="noindex, follow">', true],
    ['<meta name="robots" content="none">', true],
    ['<meta name="robots" content="index">', false],
    ['', false],
  ])('noindex from %j is %s', (head, noindex) => {
    expect(extract(`<head>${head}</head>`).records[0]?.noindex).toBe(noindex);
  });

  test('an http subresource or frame on an https page is mixed content; links and canonical are not', () => {
    const html = `<img src="http://cdn.test/a.png"><script src="http://cdn.test/a.js"></script><link rel="stylesheet" href="http://cdn.test/a.css">
      <iframe src="http://cdn.test/f"></iframe><a href="http://other.test/">page</a><link rel="canonical" href="http://site.test/"><img src="https://cdn.test/ok.png">`;
    const mixed = references(html, 'https://site.test/').filter((reference) => reference.mixed).map((reference) => reference.url);
    expect(mixed).toEqual(['http://cdn.test/a.png', 'http://cdn.test/a.js', 'http://cdn.test/a.css', 'http://cdn.test/f']);
    expect(references(html, 'http://site.test/').some((reference) => reference.mixed)).toBe(false);
  });

  test.each([
    ['img', undefined, true],
    ['script', undefined, true],
    ['link', 'stylesheet', true],
    ['link', 'Icon', true],
    ['link', 'canonical', false],
    ['link', 'alternate', false],
    ['a', undefined, false],
    ['iframe', undefined, false],
  ])('isSubresource(%s, %s) is %s', (element, rel, expected) => {
    expect(isSubresource(element, rel)).toBe(expected);
  });

  test('isMixedContent needs an https page and an http subresource', () => {
    expect(isMixedContent('https://a.test/', 'img', undefined, 'http://b.test/x.png')).toBe(true);
    expect(isMixedContent('https://a.test/', 'a', undefined, 'http://b.test/')).toBe(false);
    expect(isMixedContent('http://a.test/', 'img', undefined, 'http://b.test/x.png')).toBe(false);
  });
});

test('workerSpec rebuilds the same extractor from plain data on another thread', async () => {
  const extractor = new AuditExtractor({ anchors: true });
  const spec = extractor.workerSpec();
  expect(spec).toEqual({ module: expect.stringMatching(/extractors\/audit\.[jt]s$/), exportName: 'AuditExtractor', args: [{ anchors: true }] });
  expect(structuredClone(spec)).toEqual(spec);
  const module = (await import(spec.module)) as Record<string, new (...args: unknown[]) => Extractor<object>>;
  const rebuilt = new (module[spec.exportName] as new (...args: unknown[]) => Extractor<object>)(...spec.args);
  const page = htmlPage('<a id="x" href="/y#z">y</a><img src="/i.png">');
  expect(await rebuilt.extract(page)).toEqual(extractor.extract(page));
});
