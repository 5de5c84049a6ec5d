import { describe, expect, test } from 'vitest';
import type { Element } from '../../src/extractors/dom.js';
import { Page } from '../../src/extractors/page.js';
import { htmlPage } from '../helpers/page.js';

describe('Page.elements', () => {
  const page = htmlPage(`<!doctype html><html><head><title>T</title><meta name="a"></head>
    <body><h1>One</h1><p>x <a href="/1">1</a></p><h2>Two</h2><div><h1>Three</h1><a href="/2">2</a></div>
    <template><a href="/inert">inert</a></template></body></html>`);

  test('returns elements of one tag in document order', () => {
    expect(page.elements('h1').map((element) => page.text(element))).toEqual(['One', 'Three']);
  });

  test('returns elements of several tags interleaved in document order', () => {
    expect(page.elements('h1', 'h2', 'a').map((element) => `${element.tagName}:${page.text(element)}`)).toEqual([
      'h1:One', 'a:1', 'h2:Two', 'h1:Three', 'a:2',
    ]);
  });

  test('returns nothing for an absent tag', () => {
    expect([page.elements('table'), page.elements('table', 'tr')]).toEqual([[], []]);
  });

  test('finds the elements parse5 adds to a fragment', () => {
    expect(htmlPage('<p>bare</p>').elements('html', 'head', 'body').map((element) => element.tagName)).toEqual(['html', 'head', 'body']);
  });

  test('leaves template contents out', () => {
    expect(page.elements('a').map((element) => page.attr(element, 'href'))).toEqual(['/1', '/2']);
  });

  test('a caller changing the returned array does not change the next answer', () => {
    page.elements('h1').pop();
    expect(page.elements('h1')).toHaveLength(2);
  });
});

describe('Page.attr and Page.text', () => {
  const page = htmlPage('<a HREF="/x" data-id="7">  Some\n\t <b>bold</b>  text <script>ignored()</script><style>.x{}</style></a>');
  const [anchor] = page.elements('a');

  test('reads attributes by lower-case name', () => {
    expect([page.attr(anchor!, 'href'), page.attr(anchor!, 'data-id'), page.attr(anchor!, 'title')]).toEqual(['/x', '7', undefined]);
  });

  test('collapses white space and skips script and style text', () => {
    expect(page.text(anchor!)).toBe('Some bold text');
  });
});

describe('Page.resolve and baseUrl', () => {
  test.each<[string, string, string | null]>([
    ['a relative path', 'other.html', 'http://site.test/dir/other.html'],
    ['a parent path', '../up.html', 'http://site.test/up.html'],
    ['a root path', '/root', 'http://site.test/root'],
    ['a query', '?q=1', 'http://site.test/dir/page.html?q=1'],
    ['a fragment (kept)', '#part', 'http://site.test/dir/page.html#part'],
    ['an empty href (the page)', '', 'http://site.test/dir/page.html'],
    ['an absolute URL', 'https://other.test/x', 'https://other.test/x'],
    ['a scheme-relative URL', '//cdn.test/x', 'http://cdn.test/x'],
    ['an href with surrounding white space', '  \n a.html \t', 'http://site.test/dir/a.html'],
    ['mailto:', 'mailto:me@site.test', 'mailto:me@site.test'],
    ['javascript:', 'javascript:void(0)', 'javascript:void(0)'],
    ['an invalid host', 'http://[oops/', null],
    ['an invalid port', 'http://site.test:99999/', null],
  ])('resolves %s', (_name, href, expected) => {
    expect(htmlPage('<p></p>').resolve(href)).toBe(expected);
  });

  test.each<[string, string, string]>([
    ['no <base>: the final URL', '<p></p>', 'http://site.test/dir/page.html'],
    ['an absolute <base href>', '<base href="http://cdn.test/assets/">', 'http://cdn.test/assets/'],
    ['a relative <base href> against the final URL', '<base href="../other/">', 'http://site.test/other/'],
    ['the first <base> with href', '<base target="_blank"><base href="/first/"><base href="/second/">', 'http://site.test/first/'],
    ['an invalid <base href>: the final URL', '<base href="http://[oops/">', 'http://site.test/dir/page.html'],
  ])('baseUrl is %s', (_name, head, expected) => {
    expect(htmlPage(`<html><head>${head}</head><body></body></html>`).baseUrl).toBe(expected);
  });

  test('resolves relative links against a relative <base href>', () => {
    expect(htmlPage('<base href="/docs/v2/"><a href="intro.html">').resolve('intro.html')).toBe('http://site.test/docs/v2/intro.html');
  });

  test('resolves against the final URL, not the requested URL', () => {
    const page = htmlPage('<p></p>', 'http://site.test/moved/here.html');
    expect(page.resolve('next.html')).toBe('http://site.test/moved/next.html');
  });
});

describe('Page.title', () => {
  test.each<[string, string, string | null]>([
    ['collapses white space', '<title>\n  Hello,\t\n  world  </title>', 'Hello, world'],
    ['is the first <title>', '<title>First</title><title>Second</title>', 'First'],
    ['is null without <title>', '<p>no title</p>', null],
    ['is empty for an empty <title>', '<title></title>', ''],
    ['keeps markup-like text as text', '<title>a <b> c</title>', 'a <b> c'],
    ['decodes entities', '<title>Tom &amp; Jerry &eacute;</title>', 'Tom & Jerry é'],
    ['ignores an inline SVG <title>', '<body><svg><title>icon</title></svg></body>', null],
    ['is the HTML <title> after an inline SVG one', '<body><svg><title>icon</title></svg><title>Real</title></body>', 'Real'],
  ])('%s', (_name, html, expected) => {
    expect(htmlPage(html).title()).toBe(expected);
  });
});

describe('Page body accessors', () => {
  test('json() parses the body', () => {
    expect(htmlPage('{"a":[1,2],"b":null}', 'http://site.test/api', 'application/json').json()).toEqual({ a: [1, 2], b: null });
  });

  test('json() throws SyntaxError on a non-JSON body', () => {
    expect(() => htmlPage('<p>not json</p>').json()).toThrow(SyntaxError);
  });

  test.each<[string, boolean]>([
    ['text/html', true],
    ['application/xhtml+xml', true],
    ['application/json', false],
    ['text/plain', false],
  ])('isHtml for %s is %s', (contentType, expected) => {
    expect(htmlPage('', 'http://site.test/', contentType).isHtml).toBe(expected);
  });

  test('html and bodyText are the decoded text', () => {
    const page = htmlPage('<p>Привет</p>');
    expect([page.html, page.bodyText]).toEqual(['<p>Привет</p>', '<p>Привет</p>']);
  });

  test('document is parsed once and shared', () => {
    const page = htmlPage('<p>x</p>');
    expect(page.document).toBe(page.document);
  });
});

describe('Page.useStreamedElements', () => {
  const source = `<!doctype html><html lang="en"><head><title>T &amp; U</title><base href="/base/">
    <meta name="description" content="d"></head><body><h1>Head <span>line</span></h1>
    <a href="one">One <b>bold</b></a><p>text<a href="two">Two</a></p></body></html>`;

  function streamedPage(html: string, tags: string[]) {
    const page = htmlPage(html);
    page.useStreamedElements(tags);
    return page;
  }

  test('serves the declared tags from the streaming pass, with the same answers as the tree', () => {
    const page = streamedPage(source, ['a', 'title', 'h1', 'base', 'html']);
    // Streamed elements are not in a tree: they have no parent.
    expect(page.elements('a')[0]?.parentNode).toBeNull();
    const tree = htmlPage(source);
    const answers = (of: typeof page) => ({
      links: of.elements('a').map((element) => [of.attr(element, 'href'), of.text(element)]),
      title: of.title(),
      h1: of.elements('h1').map((element) => of.text(element)),
      baseUrl: of.baseUrl,
      lang: of.attr(of.elements('html')[0] as Element, 'lang'),
      html: of.text(of.elements('html')[0] as Element),
    });
    expect(answers(page)).toEqual(answers(tree));
  });

  test('builds the tree for a tag that was not declared, and for document', () => {
    const page = streamedPage(source, ['a', 'title', 'base']);
    expect(page.elements('meta')[0]?.parentNode).not.toBeNull();
    expect(page.elements('a')[0]?.parentNode).not.toBeNull(); // once the tree exists, it answers everything
  });

  test('gives the tree answers where the streaming pass gives up (nested links)', () => {
    const nested = '<a href="/outer">out<em><a href="/inner">in</a></em></a>';
    const page = streamedPage(nested, ['a', 'title', 'base']);
    expect(page.elements('a').map((element) => [page.attr(element, 'href'), page.text(element), element.parentNode !== null])).toEqual([
      ['/outer', 'out', true],
      ['/inner', 'in', true],
    ]);
  });

  test('reads a UTF-8 body as bytes, without decoding the page, and gives what the decoded text gives', () => {
    // A BOM, non-ASCII text and attributes, references, and a byte that is not UTF-8 (0xff).
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('<title>Café &eacute;t&eacute; \u{1F600}</title><a href="/caf\u00e9?q=&#x20AC;" title="na\u00efve">Über '),
      Buffer.from([0xff]),
      Buffer.from(' <b>fin</b></a>'),
    ]);
    let decoded = 0;
    const url = 'http://site.test/';
    const init = { url, finalUrl: url, depth: 0, parent: null, status: 200, headers: {}, contentType: 'text/html', body: bytes, truncated: false };
    const fromBytes = new Page({ ...init, text: () => (decoded++, new TextDecoder().decode(bytes)), bodyIsUtf8: true });
    fromBytes.useStreamedElements(['a', 'title']);
    const fromText = htmlPage(new TextDecoder().decode(bytes), url);
    const answers = (of: Page) => ({ title: of.title(), links: of.elements('a').map((element) => [of.attr(element, 'href'), of.attr(element, 'title'), of.text(element)]) });
    expect(answers(fromBytes)).toEqual(answers(fromText));
    expect(answers(fromBytes)).toEqual({ title: 'Café été \u{1F600}', links: [['/café?q=€', 'naïve', 'Über \ufffd fin']] });
    expect(decoded).toBe(0);
  });

  test('is off when a tag cannot be streamed', () => {
    const page = streamedPage(source, ['a', 'p']);
    expect(page.elements('a')[0]?.parentNode).not.toBeNull();
  });
});
