/**
 * Seeded random HTML for differential tests against parse5's tree builder.
 *
 * Two styles: `soup` is tag soup (misnested and stray end tags, raw-text elements left open, NULs, bad character
 * references, foreign content, tables with loose text), the input an HTML parser's error recovery is for; `tidy` is
 * conforming HTML as sites publish it (properly nested, some optional end tags left out, entities, comments, scripts and
 * styles holding markup-like strings), the input a fast path must handle without giving up.
 */

import { mulberry32 } from '../../bench/site-generator.js';

type Random = () => number;
type Weighted<T> = ReadonlyArray<readonly [T, number]>;

/** How {@link randomHtml} builds a document. */
export type RandomHtmlStyle = 'soup' | 'tidy';

/**
 * Returns a random document as the list of its pieces (a tag, a text run, a comment, ...); `pieces.join('')` is the
 * document. Pieces let a shrinker drop whole tokens. The same `seed` and `style` always give the same pieces.
 */
export function randomHtml(seed: number, style: RandomHtmlStyle): string[] {
  const random = mulberry32(seed);
  return style === 'soup' ? soup(random) : tidy(random);
}


function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function weighted<T>(random: Random, entries: Weighted<T>): T {
  let total = 0;
  for (const [, weight] of entries) total += weight;
  let roll = random() * total;
  for (const [item, weight] of entries) {
    roll -= weight;
    if (roll < 0) return item;
  }
  return (entries[entries.length - 1] as readonly [T, number])[0];
}

const VOID_TAGS = new Set(['area', 'base', 'br', 'col', 'embed', 'frame', 'hr', 'image', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

const SOUP_TAGS: Weighted<string> = [
  ['a', 14], ['area', 2], ['link', 4], ['meta', 4], ['base', 2], ['title', 4], ['h1', 4], ['h2', 2], ['h3', 1], ['h6', 0.5],
  ['html', 1.5], ['head', 1], ['body', 1.5], ['p', 6], ['div', 6], ['span', 4], ['b', 4], ['i', 3], ['em', 1], ['strong', 1],
  ['nobr', 0.7], ['font', 0.7], ['code', 0.5], ['u', 0.5], ['ul', 1.5], ['ol', 0.5], ['li', 4], ['dl', 0.3], ['dt', 0.7],
  ['dd', 0.7], ['table', 3], ['caption', 0.7], ['colgroup', 0.3], ['col', 0.3], ['tbody', 1], ['thead', 0.5], ['tr', 3],
  ['td', 4], ['th', 1], ['form', 1], ['button', 1], ['input', 1], ['select', 1], ['option', 1.5], ['optgroup', 0.3],
  ['textarea', 1], ['script', 2], ['style', 1], ['noscript', 1.5], ['template', 1], ['svg', 2], ['math', 1], ['mi', 0.5],
  ['mo', 0.3], ['annotation-xml', 0.5], ['foreignObject', 0.7], ['desc', 0.5], ['path', 0.5], ['pre', 1], ['listing', 0.3],
  ['xmp', 0.3], ['iframe', 0.5], ['noembed', 0.3], ['noframes', 0.3], ['plaintext', 0.05], ['frameset', 0.3], ['frame', 0.3],
  ['img', 2], ['br', 2], ['hr', 1], ['image', 0.2], ['object', 0.5], ['marquee', 0.3], ['applet', 0.2], ['my-card', 1],
  ['ruby', 0.2], ['rt', 0.2], ['section', 0.5], ['nav', 0.5], ['header', 0.3], ['center', 0.3], ['label', 0.3], ['summary', 0.2],
];

const ATTRIBUTE_NAMES: Weighted<string> = [
  ['href', 8], ['rel', 3], ['name', 2], ['content', 2], ['lang', 2], ['alt', 1], ['id', 1], ['title', 1], ['class', 1],
  ['HREF', 0.7], ['Rel', 0.3], ['xlink:href', 0.7], ['xml:lang', 0.3], ['viewbox', 0.3], ['definitionurl', 0.2],
  ['encoding', 0.5], ['color', 0.3], ['type', 0.5], ['charset', 0.3], ['http-equiv', 0.3], ['src', 0.5],
];

const ATTRIBUTE_VALUES: Weighted<string> = [
  ['/a', 4], ['x', 2], ['', 1], ['nofollow', 2], ['next', 2], ['robots', 2], ['en', 1], ['fr', 1], ['a b', 1],
  ['?q=1&amp;r=2', 1], ['?q=1&r=2', 1], ['&copy', 0.5], ['&copy=1', 0.5], ['&notit;', 0.5], ['&#x41;&#0;', 0.3],
  ['a"b', 0.5], ["a'b", 0.5], ['x>y', 0.5], ['text/html', 1], ['application/xhtml+xml', 0.3], ['hidden', 0.5],
  ['stylesheet', 1], ['line\r\nbreak', 0.5], ['  padded  ', 0.5], ['café', 0.5],
];

const SOUP_TEXT: Weighted<string> = [
  ['foo', 4], ['bar baz', 3], ['Hello, world', 2], ['café', 1], [' ', 4], ['\n', 3], ['\r\n', 1.5], ['\r', 0.5], ['\t', 1],
  ['\f', 0.3], ['  \n  ', 1], ['\u00a0', 0.5], ['&amp;', 1], ['&copy', 1], ['&copy;', 0.5], ['&notit;', 1], ['&not', 0.5],
  ['&#x41;', 0.5], ['&#65;', 0.5], ['&#0;', 0.3], ['&#x110000;', 0.2], ['&#128;', 0.3], ['&lt;a href=x&gt;', 0.5],
  ['&nbsp;', 0.5], ['&', 0.5], ['<', 0.5], ['>', 0.5], ['< a', 0.3], ['</', 0.3], ['</ >', 0.3], ['<>', 0.2], ['<!', 0.2],
  ['<?php echo 1 ?>', 0.2], ['<a', 0.2], ['"</a>"', 0.5], ["'<a href=/fake>'", 0.5], ['<!--', 0.3], ['-->', 0.3],
  ['</script >', 0.3], ['<script>', 0.2], ['\ufeff', 0.1], ['x = a < b', 0.3],
];

const SOUP_MARKUP: Weighted<string> = [
  ['<!-- <a href=/in-comment>x</a> -->', 2], ['<!---->', 0.5], ['<!-->', 0.5], ['<!--->', 0.3], ['<!-- --!>', 0.3],
  ['<![CDATA[ <a href=/cdata>c</a> ]]>', 1], ['<!DOCTYPE html>', 0.5], ['<!doctype html public "-//W3C//DTD HTML 3.2//EN">', 0.2],
  ['<?xml version="1.0"?>', 0.3], ['</br>', 1], ['</p>', 1], ['</a>', 1], ['</ a>', 0.2], ['</a/>', 0.2], ['</html>', 0.5],
  ['</body>', 0.5], ['<a/>', 0.3], ['<a href=/x/>', 0.3], ['<title/>', 0.2],
];

const SOUP_DOCTYPES = ['<!DOCTYPE html>', '<!doctype HTML>\n', '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">', '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">'];

function soupAttributes(random: Random): string {
  let attributes = '';
  const count = weighted(random, [[0, 4], [1, 4], [2, 2], [3, 1]]);
  for (let n = 0; n < count; n++) {
    const name = weighted(random, ATTRIBUTE_NAMES);
    const value = weighted(random, ATTRIBUTE_VALUES);
    const separator = pick(random, [' ', ' ', ' ', '\n', '\t', '/']);
    const quoting = weighted(random, [['"', 5], ["'", 2], ['', 2.5], ['bare', 0.5]]);
    if (quoting === 'bare') attributes += `${separator}${name}`;
    else if (quoting === '' && /^[^\s"'=<>`]+$/.test(value)) attributes += `${separator}${name}=${value}`;
    else {
      const quote = value.includes('"') ? "'" : quoting === "'" && !value.includes("'") ? "'" : '"';
      attributes += `${separator}${name}=${quote}${value}${quote}`;
    }
  }
  return attributes;
}

function soupTagName(random: Random): string {
  const name = weighted(random, SOUP_TAGS);
  const casing = random();
  if (casing < 0.05) return name.toUpperCase();
  if (casing < 0.08) return name.charAt(0).toUpperCase() + name.slice(1);
  return name;
}

function soup(random: Random): string[] {
  const pieces: string[] = [];
  const misnestRate = pick(random, [0, 0, 0.05, 0.3, 0.8]);
  const hasNul = random() < 0.08;
  const length = 1 + Math.floor(random() * random() * 90);
  const open: string[] = [];
  if (random() < 0.4) pieces.push(pick(random, SOUP_DOCTYPES));
  for (let n = 0; n < length; n++) {
    const kind = weighted(random, [['start', 34], ['end', 16], ['text', 30], ['markup', 5], ['nul', hasNul ? 2 : 0]]);
    if (kind === 'start') {
      const name = soupTagName(random);
      pieces.push(`<${name}${soupAttributes(random)}${random() < 0.05 ? '/' : ''}>`);
      if (!VOID_TAGS.has(name.toLowerCase())) open.push(name);
    } else if (kind === 'end') {
      let name: string;
      if (open.length > 0 && random() >= misnestRate) name = open.pop() as string;
      else {
        name = soupTagName(random);
        const index = open.lastIndexOf(name);
        if (index >= 0) open.splice(index, 1);
      }
      pieces.push(`</${name}${random() < 0.03 ? ' ' : ''}>`);
    } else if (kind === 'text') pieces.push(weighted(random, SOUP_TEXT));
    else if (kind === 'markup') pieces.push(weighted(random, SOUP_MARKUP));
    else pieces.push(pick(random, ['\0', 'a\0b', '<a\0>', '<a href="\0">']));
  }
  if (random() < 0.6) while (open.length > 0) pieces.push(`</${open.pop() as string}>`);
  return pieces;
}

const WORDS = ['river', 'harbor', 'lantern', 'compass', 'Crawler', 'index', 'café', 'naïve', 'Résumé', 'über', '2024', 'HTTP/2'];
const TIDY_TEXT_EXTRAS: Weighted<string> = [
  [' ', 6], ['\n', 2], ['\r\n', 1], ['\n    ', 2], ['\t', 0.5], [' &amp; ', 1], [' &lt;tag&gt; ', 0.5], ['&nbsp;', 0.5],
  [' &copy; ', 0.5], ['&eacute;', 0.3], ['&#x41;', 0.3], ['&#169;', 0.3], [' &quot;q&quot; ', 0.3], [' & ', 0.3], ['\u00a0', 0.3],
];
const HREFS = ['/', '/a', 'page-2.html', '../up/', 'https://example.com/x?a=1&amp;b=2', '#frag', 'mailto:x@example.com', '?q=caf%C3%A9', '/p?x=1&y=2', 'HTTP://Example.COM/Caps'];
const SCRIPT_BODIES = [
  'var s = "</a><a href=\'/fake\'>x";',
  'if (a < b && c > d) { go(); }',
  "document.write('<title>not a title</title>');",
  '/* <h1>not a heading</h1> */ var x = 1;',
  '<!-- hide\nvar y = "<link rel=next href=/no>";\n// -->',
  '\n  window.x = "</scrip" + "t>";\n',
];
const STYLE_BODIES = ['a[href="</a>"]::after { content: "<a href=x>"; }', 'h1 > span { color: red }', '\n  body { margin: 0 }\n'];
const NOSCRIPT_BODIES = ['<a href="/nojs">Enable JavaScript</a>', '<img src="/pixel.gif" alt="">', '<p>No <b>script</b></p>', '<link rel="stylesheet" href="/nojs.css">'];
const SVG_ICONS = [
  '<svg viewBox="0 0 10 10" aria-hidden="true"><path d="M0 0h10v10z"/></svg>',
  '<svg width="8" height="8"><circle cx="4" cy="4" r="4"></circle></svg>',
  '<svg><title>Search</title><use xlink:href="#icon-search"></use></svg>',
  '<math><mi>x</mi><mo>=</mo><mn>2</mn></math>',
];
const P_END_OMISSIBLE_IN = new Set(['body', 'div', 'li', 'td', 'th', 'dd', 'section', 'article', 'nav', 'aside', 'header', 'footer', 'main', 'blockquote']);

interface Context {
  parent: string;
  depth: number;
  inLink: boolean;
  inButton: boolean;
  inForm: boolean;
}

function tidy(random: Random): string[] {
  const pieces: string[] = [];
  let budget = 10 + Math.floor(random() * 120);

  const name = (tag: string): string => (random() < 0.04 ? tag.toUpperCase() : tag);
  const attribute = (key: string, value: string): string => {
    const quoting = random();
    if (quoting < 0.2 && /^[^\s"'=<>`&]+$/.test(value)) return ` ${name(key)}=${value}`;
    if (quoting < 0.35 && !value.includes("'")) return ` ${name(key)}='${value}'`;
    return ` ${name(key)}="${value}"`;
  };
  const text = (): void => {
    const words = 1 + Math.floor(random() * 5);
    let run = '';
    for (let n = 0; n < words; n++) run += (n > 0 ? weighted(random, TIDY_TEXT_EXTRAS) : '') + pick(random, WORDS);
    pieces.push(run);
  };
  const whitespace = (): void => {
    if (random() < 0.6) pieces.push(pick(random, ['\n', '\n  ', ' ', '\r\n']));
  };
  const wrap = (tag: string, attributes: string, body: () => void, closeRate = 1): void => {
    budget--;
    pieces.push(`<${name(tag)}${attributes}>`);
    body();
    if (random() < closeRate) pieces.push(`</${name(tag)}>`);
  };
  const link = (context: Context, body: (inner: Context) => void): void => {
    let attributes = attribute('href', pick(random, HREFS));
    if (random() < 0.2) attributes += attribute('rel', pick(random, ['nofollow', 'next', 'noopener noreferrer']));
    if (random() < 0.2) attributes += attribute('title', `${pick(random, WORDS)} &amp; more`);
    wrap('a', attributes, () => body({ ...context, parent: 'a', inLink: true }));
  };

  function inline(context: Context): void {
    const count = 1 + Math.floor(random() * 4);
    for (let n = 0; n < count && budget > 0; n++) {
      const inner = { ...context, depth: context.depth + 1 };
      const deep = context.depth > 5;
      const interactive = context.inLink || context.inButton;
      const kind = weighted(random, [
        ['text', 10], ['link', interactive || deep ? 0 : 4], ['phrase', deep ? 0 : 5], ['img', 1], ['br', 1], ['comment', 0.5],
        ['button', interactive || deep ? 0 : 0.5], ['textarea', interactive ? 0 : 0.3], ['input', context.inForm && !interactive ? 0.5 : 0],
        ['icon', 0.1], ['script', 0.3],
      ]);
      if (kind === 'text') text();
      else if (kind === 'link') link(inner, (linkContext) => inline(linkContext));
      else if (kind === 'phrase') {
        const tag = pick(random, ['span', 'b', 'i', 'em', 'strong', 'code', 'small', 'abbr', 'mark', 'sub', 'q', 'cite', 'u', 'time']);
        wrap(tag, random() < 0.2 ? attribute('class', 'c') : '', () => inline({ ...inner, parent: tag }));
      } else if (kind === 'img') pieces.push(`<${name('img')}${attribute('src', '/i.png')}${attribute('alt', pick(random, WORDS))}>`);
      else if (kind === 'br') pieces.push(pick(random, ['<br>', '<br/>', '<wbr>']));
      else if (kind === 'comment') pieces.push(pick(random, ['<!-- <a href="/commented">x</a> -->', '<!-- note -->']));
      else if (kind === 'button') wrap('button', attribute('type', 'button'), () => inline({ ...inner, parent: 'button', inButton: true }));
      else if (kind === 'textarea') wrap('textarea', attribute('name', 't'), () => pieces.push(pick(random, ['\n<a href=/t>not a link</a>', 'plain &amp; simple', ''])));
      else if (kind === 'input') pieces.push(`<input${attribute('name', 'q')}>`);
      else if (kind === 'icon') pieces.push(pick(random, SVG_ICONS));
      else pieces.push(`<script>${pick(random, SCRIPT_BODIES)}</script>`);
    }
  }

  function block(context: Context): void {
    const count = 1 + Math.floor(random() * 4);
    for (let n = 0; n < count && budget > 0; n++) {
      whitespace();
      const inner = { ...context, depth: context.depth + 1 };
      const deep = context.depth > 5;
      const kind = weighted(random, [
        ['p', 6], ['div', deep ? 0 : 4], ['heading', 4], ['list', deep ? 0 : 3], ['table', deep ? 0 : 1.5], ['pre', 1],
        ['section', deep ? 0 : 2], ['custom', deep ? 0 : 1], ['noscript', 0.7], ['script', 0.7], ['style', 0.3], ['comment', 0.5],
        ['inline', 2], ['hr', 0.3], ['dl', deep ? 0 : 0.7], ['form', context.inForm || context.inLink || deep ? 0 : 0.4],
        ['block link', context.inLink || context.inButton || deep ? 0 : 1],
      ]);
      if (kind === 'p') {
        const canOmitEnd = P_END_OMISSIBLE_IN.has(context.parent) && !context.inLink;
        wrap('p', random() < 0.1 ? attribute('class', 'lead') : '', () => inline({ ...inner, parent: 'p' }), canOmitEnd ? 0.7 : 1);
      } else if (kind === 'div') wrap('div', random() < 0.3 ? attribute('id', `d${budget}`) : '', () => block({ ...inner, parent: 'div' }));
      else if (kind === 'heading') {
        const tag = weighted(random, [['h1', 3], ['h2', 2], ['h3', 1], ['h4', 0.5], ['h6', 0.3]]);
        wrap(tag, '', () => inline({ ...inner, parent: tag }));
      } else if (kind === 'list') {
        const tag = pick(random, ['ul', 'ol']);
        wrap(tag, '', () => {
          const items = 1 + Math.floor(random() * 4);
          for (let item = 0; item < items && budget > 0; item++) {
            whitespace();
            wrap('li', '', () => (random() < 0.7 ? inline({ ...inner, parent: 'li' }) : block({ ...inner, parent: 'li' })), 0.6);
          }
        });
      } else if (kind === 'table') table(inner);
      else if (kind === 'pre') wrap('pre', '', () => {
        if (random() < 0.5) pieces.push('\n');
        inline({ ...inner, parent: 'pre' });
      });
      else if (kind === 'section') {
        const tag = pick(random, ['section', 'article', 'nav', 'aside', 'header', 'footer', 'main', 'blockquote']);
        wrap(tag, '', () => block({ ...inner, parent: tag }));
      } else if (kind === 'custom') wrap('my-card', attribute('data-id', '7'), () => (random() < 0.5 ? inline({ ...inner, parent: 'my-card' }) : block({ ...inner, parent: 'my-card' })));
      else if (kind === 'noscript') pieces.push(`<noscript>${pick(random, NOSCRIPT_BODIES)}</noscript>`);
      else if (kind === 'script') pieces.push(`<script>${pick(random, SCRIPT_BODIES)}</script>`);
      else if (kind === 'style') pieces.push(`<style>${pick(random, STYLE_BODIES)}</style>`);
      else if (kind === 'comment') pieces.push(pick(random, ['<!-- <h1>old</h1> -->', '<!---->']));
      else if (kind === 'inline') inline(inner);
      else if (kind === 'hr') pieces.push('<hr>');
      else if (kind === 'dl') wrap('dl', '', () => {
        const items = 1 + Math.floor(random() * 3);
        for (let item = 0; item < items && budget > 0; item++) {
          wrap('dt', '', () => inline({ ...inner, parent: 'dt' }), 0.7);
          wrap('dd', '', () => inline({ ...inner, parent: 'dd' }), 0.7);
        }
      });
      else if (kind === 'form') wrap('form', attribute('action', '/search'), () => block({ ...inner, parent: 'form', inForm: true }));
      else link(inner, (linkContext) => block(linkContext));
    }
  }

  function table(context: Context): void {
    wrap('table', '', () => {
      whitespace();
      if (random() < 0.2) wrap('caption', '', () => inline({ ...context, parent: 'caption' }));
      const explicitBody = random() < 0.5;
      const rows = 1 + Math.floor(random() * 3);
      const body = (): void => {
        for (let row = 0; row < rows && budget > 0; row++) {
          whitespace();
          wrap('tr', '', () => {
            const cells = 1 + Math.floor(random() * 3);
            for (let cell = 0; cell < cells && budget > 0; cell++) {
              whitespace();
              const tag = random() < 0.2 ? 'th' : 'td';
              const content = (): void => (random() < 0.7 ? inline({ ...context, parent: tag }) : block({ ...context, parent: tag }));
              wrap(tag, '', content, 0.6);
            }
          }, 0.6);
        }
        whitespace();
      };
      if (explicitBody) wrap('tbody', '', body, 0.5);
      else body();
    });
  }

  if (random() < 0.85) pieces.push(pick(random, ['<!DOCTYPE html>', '<!doctype html>', SOUP_DOCTYPES[2] as string]), '\n');
  const explicitHtml = random() < 0.6;
  if (explicitHtml) pieces.push(`<${name('html')}${random() < 0.6 ? attribute('lang', pick(random, ['en', 'fr', 'en-GB'])) : ''}>`);
  const explicitHead = random() < 0.7;
  if (explicitHead) pieces.push(`<${name('head')}>`);
  const headItems = Math.floor(random() * 7);
  if (random() < 0.15) pieces.push(`<base${attribute('href', pick(random, ['/', 'https://example.com/docs/']))}>`);
  for (let n = 0; n < headItems; n++) {
    whitespace();
    const kind = weighted(random, [['title', 2], ['meta', 3], ['link', 3], ['script', 1], ['style', 0.5], ['noscript', 0.5], ['comment', 0.3]]);
    if (kind === 'title') pieces.push(`<${name('title')}>${pick(random, ['Home', 'A &amp; B &lt;c&gt; <b>bold</b> &copy; 2024', `${pick(random, WORDS)} | Site`, '  spaced\n  title  ', 'x<!-- not a comment -->y'])}</title>`);
    else if (kind === 'meta') pieces.push(pick(random, ['<meta charset="utf-8">', '<meta name="robots" content="nofollow">', '<meta name=robots content="noindex, nofollow">', '<meta name="description" content="About &amp; more">', '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />', '<META NAME="Generator" CONTENT="x">']));
    else if (kind === 'link') pieces.push(`<link${attribute('rel', pick(random, ['next', 'prev', 'stylesheet', 'canonical', 'icon', 'alternate']))}${attribute('href', pick(random, HREFS))}>`);
    else if (kind === 'script') pieces.push(`<script>${pick(random, SCRIPT_BODIES)}</script>`);
    else if (kind === 'style') pieces.push(`<style>${pick(random, STYLE_BODIES)}</style>`);
    else if (kind === 'noscript') pieces.push(pick(random, ['<noscript><link rel="stylesheet" href="/nojs.css"></noscript>', '<noscript><style>p{}</style></noscript>']));
    else pieces.push('<!-- head -->');
  }
  if (explicitHead && random() < 0.8) pieces.push('</head>');
  whitespace();
  const explicitBody = random() < 0.7;
  if (explicitBody) pieces.push(`<body${random() < 0.2 ? attribute('class', 'page') : ''}>`);
  block({ parent: 'body', depth: 0, inLink: false, inButton: false, inForm: false });
  whitespace();
  if (explicitBody && random() < 0.7) pieces.push('</body>');
  if (explicitHtml && random() < 0.7) pieces.push('</html>');
  if (random() < 0.3) pieces.push('\n');
  return pieces;
}
