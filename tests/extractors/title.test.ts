import { describe, expect, test } from 'vitest';
import { TitleExtractor } from '../../src/extractors/title.js';
import type { TitleRecord } from '../../src/extractors/title.js';
import { htmlPage } from '../helpers/page.js';

async function recordOf(html: string, finalUrl?: string): Promise<TitleRecord> {
  const extracted = await new TitleExtractor().extract(htmlPage(html, finalUrl));
  expect(extracted.records).toHaveLength(1);
  return extracted.records?.[0] as TitleRecord;
}

describe('TitleExtractor', () => {
  test('records every field of a full page', async () => {
    const html = `<!doctype html><html lang="en-GB"><head>
      <title>  The   Page </title>
      <meta name="description" content="  About the page.  ">
      <link rel="canonical" href="/canonical/page">
      </head><body><h1>First <em>heading</em></h1><h2>Sub</h2><h1>
        Second</h1></body></html>`;
    expect(await recordOf(html)).toEqual({
      url: 'http://site.test/dir/page.html',
      title: 'The Page',
      description: 'About the page.',
      h1: ['First heading', 'Second'],
      canonical: 'http://site.test/canonical/page',
      lang: 'en-GB',
    });
  });

  test('records null or empty for what a bare page lacks', async () => {
    expect(await recordOf('<p>bare</p>')).toEqual({
      url: 'http://site.test/dir/page.html',
      title: null,
      description: null,
      h1: [],
      canonical: null,
      lang: null,
    });
  });

  test('records the final URL', async () => {
    expect((await recordOf('<p></p>', 'http://site.test/after/redirect')).url).toBe('http://site.test/after/redirect');
  });

  test.each<[string, string, string | null]>([
    ['a description meta by case-insensitive name', '<meta name="Description" content="D">', 'D'],
    ['the first description meta', '<meta name="description" content="one"><meta name="description" content="two">', 'one'],
    ['a description meta without content as empty', '<meta name="description">', ''],
    ['og:description is not the description', '<meta property="og:description" content="OG">', null],
  ])('description: %s', async (_name, head, expected) => {
    expect((await recordOf(`<head>${head}</head>`)).description).toBe(expected);
  });

  test.each<[string, string, string | null]>([
    ['a relative canonical resolved against the page', '<link rel="canonical" href="other.html">', 'http://site.test/dir/other.html'],
    ['an absolute canonical as is', '<link rel="canonical" href="https://www.site.test/p">', 'https://www.site.test/p'],
    ['a canonical resolved against <base href>', '<base href="/base/"><link rel="canonical" href="p">', 'http://site.test/base/p'],
    ['a canonical among other rel tokens, any case', '<link rel="alternate Canonical" href="/c">', 'http://site.test/c'],
    ['a canonical without href is null', '<link rel="canonical">', null],
    ['an unparsable canonical is null', '<link rel="canonical" href="http://[oops/">', null],
    ['rel=alternate is not canonical', '<link rel="alternate" href="/a">', null],
  ])('canonical: %s', async (_name, head, expected) => {
    expect((await recordOf(`<head>${head}</head>`)).canonical).toBe(expected);
  });

  test.each<[string, string, string | null]>([
    ['<html lang> as written', '<html lang="fr"><body></body></html>', 'fr'],
    ['an empty lang is null', '<html lang=""><body></body></html>', null],
    ['no lang is null', '<html><body></body></html>', null],
  ])('lang: %s', async (_name, html, expected) => {
    expect((await recordOf(html)).lang).toBe(expected);
  });

  test('h1 keeps empty headings in order', async () => {
    expect((await recordOf('<h1>A</h1><h1> </h1><h1>C</h1>')).h1).toEqual(['A', '', 'C']);
  });

  test('a page with only an inline SVG <title> has no title', async () => {
    expect((await recordOf('<body><svg><title>icon</title></svg><h1>H</h1></body>')).title).toBeNull();
  });

  test('is named title', () => {
    expect(new TitleExtractor().name).toBe('title');
  });
});
