import { describe, expect, test } from 'vitest';
import { productToken, rulesFrom } from '../../src/crawler/robots.js';
import type { RobotsResponse } from '../../src/crawler/robots.js';

const ROBOTS_URL = 'http://e.com/robots.txt';
const ok = (body: string): RobotsResponse => ({ status: 200, body });

const ROBOTS = [
  'User-agent: *',
  'Disallow: /everyone-out/',
  'Crawl-delay: 9',
  '',
  'User-agent: sitecrawl',
  'Disallow: /private/',
  'Allow: /private/open.html',
  'Crawl-delay: 2',
  '',
  'User-agent: mybot',
  'Disallow: /secret/',
  'Crawl-delay: 0.5',
  '',
  'Sitemap: http://e.com/sitemap.xml',
  'Sitemap: http://e.com/news-sitemap.xml',
].join('\n');

describe('rulesFrom a 2xx robots.txt', () => {
  test.each<[string, string[], string, boolean]>([
    ['sitecrawl may fetch an unlisted path', ['sitecrawl'], '/public/page', true],
    ['sitecrawl obeys its own Disallow', ['sitecrawl'], '/private/page', false],
    ['the longer Allow wins over Disallow', ['sitecrawl'], '/private/open.html', true],
    ['sitecrawl with its own group ignores the * group', ['sitecrawl'], '/everyone-out/x', true],
    ['sitecrawl is not bound by another agent group', ['sitecrawl'], '/secret/x', true],
    ['a custom token obeys its own group', ['mybot'], '/secret/x', false],
    ['sitecrawl plus a custom token: the custom Disallow applies', ['sitecrawl', 'mybot'], '/secret/x', false],
    ['sitecrawl plus a custom token: the sitecrawl Disallow applies', ['sitecrawl', 'mybot'], '/private/page', false],
    ['sitecrawl plus a custom token: a path both allow', ['sitecrawl', 'mybot'], '/public/page', true],
    ['an agent without a group falls back to *', ['otherbot'], '/everyone-out/x', false],
    ['an agent without a group is not bound by sitecrawl rules', ['otherbot'], '/private/page', true],
    ['a custom token without a group of its own leaves sitecrawl to its group', ['sitecrawl', 'otherbot'], '/everyone-out/x', true],
  ])('%s (%s, %s)', (_name, tokens, path, expected) => {
    expect(rulesFrom(ROBOTS_URL, ok(ROBOTS), tokens).isAllowed(`http://e.com${path}`)).toBe(expected);
  });

  test('reports kind parsed', () => {
    expect(rulesFrom(ROBOTS_URL, ok(ROBOTS), ['sitecrawl']).kind).toBe('parsed');
  });

  test.each<[string[], number | undefined]>([
    [['sitecrawl'], 2000],
    [['mybot'], 500],
    [['sitecrawl', 'mybot'], 2000],
    [['otherbot'], 9000],
    [['sitecrawl', 'otherbot'], 2000],
  ])('Crawl-delay for %j is the longest of the groups that apply, in ms: %s', (tokens, expected) => {
    expect(rulesFrom(ROBOTS_URL, ok(ROBOTS), tokens).crawlDelayMs).toBe(expected);
  });

  test.each([
    ['no Crawl-delay', 'User-agent: *\nDisallow: /x'],
    ['a zero Crawl-delay', 'User-agent: *\nCrawl-delay: 0'],
    ['an unreadable Crawl-delay', 'User-agent: *\nCrawl-delay: soon'],
  ])('%s leaves crawlDelayMs undefined', (_name, body) => {
    expect(rulesFrom(ROBOTS_URL, ok(body), ['sitecrawl']).crawlDelayMs).toBeUndefined();
  });

  test('lists the sitemaps in file order', () => {
    expect(rulesFrom(ROBOTS_URL, ok(ROBOTS), ['sitecrawl']).sitemaps).toEqual([
      'http://e.com/sitemap.xml',
      'http://e.com/news-sitemap.xml',
    ]);
  });

  test.each([
    ['an empty file', ''],
    ['a file of garbage', '<html><body>Not found</body></html>\n\0\0'],
    ['rules for other agents only', 'User-agent: googlebot\nDisallow: /'],
  ])('%s allows everything', (_name, body) => {
    expect(rulesFrom(ROBOTS_URL, ok(body), ['sitecrawl']).isAllowed('http://e.com/any/path')).toBe(true);
  });

  test('matches agent names case-insensitively', () => {
    const rules = rulesFrom(ROBOTS_URL, ok('User-agent: SiteCrawl\nDisallow: /'), ['sitecrawl']);
    expect(rules.isAllowed('http://e.com/x')).toBe(false);
  });

  test('a URL of another origin is not this file\'s business', () => {
    const rules = rulesFrom(ROBOTS_URL, ok('User-agent: *\nDisallow: /'), ['sitecrawl']);
    expect([rules.isAllowed('http://e.com/x'), rules.isAllowed('http://other.com/x')]).toEqual([false, true]);
  });
});

describe('rulesFrom a failed robots.txt', () => {
  test.each<[string, RobotsResponse, 'allow-all' | 'disallow-all', boolean]>([
    ['404 allows everything', { status: 404, body: 'Not found' }, 'allow-all', true],
    ['401 allows everything', { status: 401, body: '' }, 'allow-all', true],
    ['403 allows everything', { status: 403, body: '' }, 'allow-all', true],
    ['410 allows everything', { status: 410, body: '' }, 'allow-all', true],
    ['a 3xx left over after redirects allows everything', { status: 301, body: '' }, 'allow-all', true],
    ['429 disallows everything', { status: 429, body: '' }, 'disallow-all', false],
    ['500 disallows everything', { status: 500, body: 'User-agent: *\nAllow: /' }, 'disallow-all', false],
    ['503 disallows everything', { status: 503, body: '' }, 'disallow-all', false],
    ['a network error disallows everything', { error: new Error('ECONNREFUSED') }, 'disallow-all', false],
  ])('%s', (_name, response, kind, allowed) => {
    const rules = rulesFrom(ROBOTS_URL, response, ['sitecrawl', 'mybot']);
    expect(rules.kind).toBe(kind);
    expect(rules.isAllowed('http://e.com/')).toBe(allowed);
    expect(rules.isAllowed('http://e.com/deep/page?q=1')).toBe(allowed);
    expect(rules.crawlDelayMs).toBeUndefined();
    expect(rules.sitemaps).toEqual([]);
  });

  test('a 4xx body is not parsed', () => {
    const rules = rulesFrom(ROBOTS_URL, { status: 404, body: 'User-agent: *\nDisallow: /' }, ['sitecrawl']);
    expect(rules.isAllowed('http://e.com/x')).toBe(true);
  });
});

describe('productToken', () => {
  test.each([
    ['MyBot/1.2 (+https://example.com/bot)', 'mybot'],
    ['sitecrawl/0.1.0 (+https://github.com/sitecrawl/sitecrawl)', 'sitecrawl'],
    ['Mozilla/5.0 (compatible; Googlebot/2.1)', 'mozilla'],
    ['plainbot', 'plainbot'],
    ['  Spaced Bot', 'spaced'],
    ['Shouty-Bot', 'shouty-bot'],
    ['', ''],
  ])('of %j is %j', (userAgent, expected) => {
    expect(productToken(userAgent)).toBe(expected);
  });
});
