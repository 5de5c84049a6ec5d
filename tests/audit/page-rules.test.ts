import { metaIssues, titleIssues } from '../../src/audit/page-rules.js';
import type { PageFacts } from '../../src/audit/page-rules.js';
import { normalizeUrl } from '../../src/index.js';
import { describe, expect, test } from '../helpers/fixtures.js';

function page(path: string, facts: Partial<PageFacts> = {}): PageFacts {
  return { url: `http://s.test${path}`, title: `The page at ${path} of the site`, description: `About ${path}`, h1: [path], canonical: null, noindex: false, ...facts };
}
const normalize = (url: string) => normalizeUrl(url);
const limits = { titleMax: 60, titleMin: 10 };
const summary = (issues: Array<{ issue: string; pages: string[] }>) => issues.map((issue) => `${issue.issue} ${issue.pages.map((url) => new URL(url).pathname).join(' ')}`);

describe('titleIssues', () => {
  test.each([
    ['no title', { title: null }, ['missing /p']],
    ['an empty title', { title: '' }, ['empty /p']],
    ['61 characters', { title: 'x'.repeat(61) }, ['too-long /p']],
    ['60 characters', { title: 'x'.repeat(60) }, []],
    ['9 characters', { title: 'x'.repeat(9) }, ['too-short /p']],
    ['10 characters', { title: 'x'.repeat(10) }, []],
    ['60 emoji (characters, not UTF-16 units)', { title: '😀'.repeat(60) }, []],
  ])('%s', (_name, facts, expected) => {
    expect(summary(titleIssues([page('/p', facts)], limits, { normalize }))).toEqual(expected);
  });

  test('duplicates are grouped, pages sorted; noindex pages and pages canonical to another URL do not count', () => {
    const pages = [
      page('/c', { title: 'Same title here' }),
      page('/a', { title: 'Same title here' }),
      page('/noindex', { title: 'Same title here', noindex: true }),
      page('/variant', { title: 'Same title here', canonical: 'http://s.test/a' }),
      page('/self', { title: 'Other title here', canonical: 'http://s.test/self' }),
      page('/self2', { title: 'Other title here' }),
      page('/alone', { title: 'Unique title here' }),
    ];
    const issues = titleIssues(pages, limits, { normalize });
    expect(summary(issues)).toEqual(['duplicate /a /c', 'duplicate /self /self2']);
    expect(issues[0]).toMatchObject({ title: 'Same title here', length: 15 });
  });

  test('a min of 0 turns the short check off', () => {
    expect(titleIssues([page('/p', { title: 'x' })], { titleMax: 60, titleMin: 0 }, { normalize })).toEqual([]);
  });
});

describe('metaIssues', () => {
  const context = { normalize, isBroken: (url: string) => url === 'http://s.test/gone' };

  test.each([
    ['no description', { description: null }, ['description-missing /p']],
    ['an empty description', { description: '  ' }, ['description-empty /p']],
    ['no h1', { h1: [] }, ['h1-missing /p']],
    ['two h1', { h1: ['One', 'Two'] }, ['h1-multiple /p']],
    ['a canonical to itself', { canonical: 'http://s.test/p#top' }, []],
    ['a canonical elsewhere', { canonical: 'http://s.test/other' }, ['canonical-elsewhere /p']],
    ['a canonical to a broken URL', { canonical: 'http://s.test/gone' }, ['canonical-broken /p']],
  ])('%s', (_name, facts, expected) => {
    expect(summary(metaIssues([page('/p', facts)], context))).toEqual(expected);
  });

  test('duplicate descriptions are grouped and the h1s of a page are joined', () => {
    const issues = metaIssues([page('/b', { description: 'Same', h1: ['A', 'B'] }), page('/a', { description: 'Same' })], context);
    expect(summary(issues)).toEqual(['description-duplicate /a /b', 'h1-multiple /b']);
    expect(issues.map((issue) => issue.value)).toEqual(['Same', 'A | B']);
  });
});
