import { describe, expect, test } from 'vitest';
import type { Element } from '../../src/extractors/dom.js';
import { SelectorError } from '../../src/errors.js';
import type { Page } from '../../src/extractors/page.js';
import { htmlPage } from '../helpers/page.js';

const HTML = `<!doctype html><html lang="en"><head><title>T</title><meta name="description" content="d"></head><body>
<nav id="top"><a href="/" class="brand home">Home</a><a href="/docs" rel="nofollow noopener">Docs</a></nav>
<main>
  <article class="post featured" data-id="1"><h2>First</h2><p>Intro <a href="/a1" hreflang="en-US">more</a></p>
    <ul><li>x</li><li class="odd">y</li><li>z</li></ul></article>
  <article class="post" data-id="2"><h2>Second</h2><p></p><img src="/i.png" alt=""></article>
  <section><h2>Not a post</h2><div><span lang="en-GB">uk</span></div></section>
</main>
<form><input name="q" type="text" disabled><input type="checkbox" checked><select><option>a</option><option selected>b</option></select></form>
<svg><linearGradient id="g"></linearGradient></svg>
<template><a href="/inert">inert</a></template>
</body></html>`;

/** Describes an element: its tag, then its id, data-id or text, enough to tell the table's answers apart. */
function label(page: Page, element: Element): string {
  if (element.tagName === 'html') return 'html';
  const id = page.attr(element, 'id') ?? page.attr(element, 'data-id') ?? page.attr(element, 'href') ?? page.attr(element, 'src');
  return id !== undefined ? `${element.tagName}#${id}` : `${element.tagName}:${page.text(element)}`;
}

describe('Page.select: a table of selectors against a parse5 tree', () => {
  const page = htmlPage(HTML);
  test.each<[string, string, string[]]>([
    ['type', 'h2', ['h2:First', 'h2:Second', 'h2:Not a post']],
    ['class', '.post', ['article#1', 'article#2']],
    ['two classes', '.post.featured', ['article#1']],
    ['id', '#top', ['nav#top']],
    ['universal child', 'nav > *', ['a#/', 'a#/docs']],
    ['descendant', 'article a', ['a#/a1']],
    ['child (not grandchild)', 'article > a', []],
    ['adjacent sibling', 'h2 + p', ['p:Intro more', 'p:']],
    ['general sibling', 'h2 ~ img', ['img#/i.png']],
    ['selector list in document order', 'h2, nav', ['nav#top', 'h2:First', 'h2:Second', 'h2:Not a post']],
    ['attribute present', 'img[alt]', ['img#/i.png']],
    ['attribute equals', '[data-id="2"]', ['article#2']],
    ['attribute word (~=)', 'a[rel~=noopener]', ['a#/docs']],
    ['attribute prefix (^=)', 'a[href^="/a"]', ['a#/a1']],
    ['attribute suffix ($=)', 'img[src$=".png"]', ['img#/i.png']],
    ['attribute substring (*=)', 'a[href*=oc]', ['a#/docs']],
    ['attribute dash (|=)', '[lang|=en]', ['html', 'span:uk']],
    ['attribute case-insensitive (i)', 'a[hreflang="EN-us" i]', ['a#/a1']],
    [':not', 'article:not(.featured)', ['article#2']],
    [':nth-child(odd)', 'li:nth-child(odd)', ['li:x', 'li:z']],
    [':nth-child(2)', 'li:nth-child(2)', ['li:y']],
    [':nth-last-child', 'li:nth-last-child(1)', ['li:z']],
    [':first-child / :last-child', 'li:first-child, li:last-child', ['li:x', 'li:z']],
    [':first-of-type', 'main > :first-of-type', ['article#1', 'section:Not a postuk']],
    [':only-child', 'div > :only-child', ['span:uk']],
    [':is', ':is(nav, section) a, :is(section) span', ['a#/', 'a#/docs', 'span:uk']],
    [':where', ':where(article) h2', ['h2:First', 'h2:Second']],
    [':has', 'article:has(img)', ['article#2']],
    [':has with a child combinator', 'article:has(> ul)', ['article#1']],
    [':empty', 'p:empty', ['p:']],
    [':root', ':root', ['html']],
    [':checked', 'input:checked, option:checked', ['input:', 'option:b']],
    [':disabled / :enabled', 'input:disabled', ['input:']],
    [':link (a with href)', 'nav a:link', ['a#/', 'a#/docs']],
    [':contains (css-select extension)', 'h2:contains(Sec)', ['h2:Second']],
    ['SVG element, tag name in any case', 'linearGradient, lineargradient', ['linearGradient#g']],
    ['nothing in template contents', 'a[href="/inert"]', []],
    ['no match', 'table td', []],
  ])('%s: %s', (_name, selector, expected) => {
    expect(page.select(selector).map((element) => label(page, element))).toEqual(expected);
  });

  test('selectOne returns the first match in document order, or null', () => {
    expect(label(page, page.selectOne('article h2, nav a')!)).toBe('a#/');
    expect(page.selectOne('table')).toBeNull();
  });

  test('returns elements of the same tree as elements(), document and attr()/text()/resolve()', () => {
    const link = page.selectOne('article.featured p a')!;
    expect(page.elements('a')).toContain(link);
    expect([page.attr(link, 'href'), page.text(link), page.resolve(page.attr(link, 'href')!)]).toEqual(['/a1', 'more', 'http://site.test/a1']);
  });
});

describe('Page.select within an element', () => {
  const page = htmlPage(HTML);
  const [first, second] = page.select('article');

  test.each<[string, string, Element | undefined, string[]]>([
    ['descendants only', 'h2', first, ['h2:First']],
    ['the whole selector is relative (cheerio, Scrapy)', 'main h2', first, []],
    ['a leading child combinator', '> h2', second, ['h2:Second']],
    ['a leading child combinator (not grandchildren)', '> a', first, []],
    [':scope', ':scope > p > a', first, ['a#/a1']],
    [':has inside a scope', 'p:has(a)', first, ['p:Intro more']],
  ])('%s: %s', (_name, selector, within, expected) => {
    expect(page.select(selector, within).map((element) => label(page, element))).toEqual(expected);
  });

  test('one compiled selector serves different scopes in turn', () => {
    expect([first, second].map((article) => page.selectOne('> h2', article)).map((h2) => page.text(h2!))).toEqual(['First', 'Second']);
  });

  test('an element of the streaming pass (no ancestors) is refused rather than matched wrongly', () => {
    const streamed = htmlPage('<!doctype html><div><a href="/x">x <b>bold</b></a></div>');
    streamed.useStreamedElements(['a']);
    const [anchor] = streamed.elements('a');
    expect(anchor!.parentNode).toBeNull();
    expect(() => streamed.select('b', anchor)).toThrow(TypeError);
    expect(streamed.select('div > a b').map((element) => streamed.text(element))).toEqual(['bold']);
  });

  test('an element of another page is refused', () => {
    const other = htmlPage('<p>x</p>').selectOne('p')!;
    expect(() => page.select('a', other)).toThrow(TypeError);
  });
});

describe('invalid selectors', () => {
  const page = htmlPage(HTML);
  test.each<[string, string]>([
    ['unbalanced bracket', 'a[href'],
    ['unknown pseudo-class', 'a:hovered'],
    ['pseudo-element', 'a::text'],
    ['unclosed :not(', 'a:not(.x'],
    ['empty', ''],
    ['blank', '  '],
    ['stray comma', 'a,,b'],
    ['namespaced attribute', '[xlink|href]'],
  ])('%s (%s) throws a SelectorError naming the selector', (_name, selector) => {
    for (const select of [() => page.select(selector), () => page.selectOne(selector)]) {
      let caught: unknown;
      try {
        select();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SelectorError);
      expect((caught as SelectorError).code).toBe('invalid-selector');
      expect((caught as SelectorError).selector).toBe(selector);
      expect((caught as SelectorError).message).toContain(JSON.stringify(selector));
    }
  });
});

describe('quirks mode', () => {
  test('class and id selectors match case-insensitively only in a quirks-mode document', () => {
    const body = '<p class="Intro" id="Lead">x</p>';
    expect(htmlPage(`<html>${body}`).select('.intro, #lead')).toHaveLength(1);
    expect(htmlPage(`<!doctype html>${body}`).select('.intro, #lead')).toHaveLength(0);
  });
});
