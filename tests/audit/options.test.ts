import { AUDIT_DEFAULTS, resolveAuditOptions } from '../../src/index.js';
import { failsAt, worstLevel } from '../../src/audit/fail-on.js';
import type { FindingCounts } from '../../src/audit/fail-on.js';
import { splitAuditOptions } from '../../src/audit/options.js';
import { describe, expect, test } from '../helpers/fixtures.js';

describe('resolveAuditOptions', () => {
  test('fills the defaults', () => {
    expect(resolveAuditOptions({})).toEqual({ ...AUDIT_DEFAULTS, sitemapUrls: [], outDir: undefined });
    expect(AUDIT_DEFAULTS).toMatchObject({ failOn: 'broken', titleMax: 60, titleMin: 10 });
  });

  test.each([
    ['failOn', { failOn: 'sometimes' }],
    ['titleMax', { titleMax: 0 }],
    ['titleMax', { titleMax: 1.5 }],
    ['titleMax', { titleMax: 1e21 }],
    ['titleMax', { titleMax: Number.MAX_SAFE_INTEGER + 1 }],
    ['titleMin', { titleMin: -1 }],
    ['titleMin', { titleMin: 70 }],
    ['external', { external: 'yes' }],
    ['sitemapUrls', { sitemapUrls: ['/relative.xml'] }],
    ['sitemapUrls', { sitemapUrls: 'https://s.test/sitemap.xml' }],
    ['outDir', { outDir: '' }],
  ])('rejects a bad %s', (option, input) => {
    expect(() => resolveAuditOptions(input as never)).toThrow(expect.objectContaining({ code: 'invalid-option', option }));
  });

  test('splitAuditOptions separates the audit keys from the crawl keys', () => {
    expect(splitAuditOptions({ startUrls: ['http://s.test/'], maxDepth: 2, external: true, outDir: 'out' })).toEqual({
      crawl: { startUrls: ['http://s.test/'], maxDepth: 2 },
      audit: { external: true, outDir: 'out' },
    });
  });
});

describe('fail levels', () => {
  const none: FindingCounts = { broken: 0, fragmentIssues: 0, mixedContent: 0, redirects: 0, sitemapIssues: 0, titleIssues: 0, metaIssues: 0, contentTypeIssues: 0, orphans: 0 };
  test.each([
    [{}, null],
    [{ orphans: 1 }, 'titles'],
    [{ metaIssues: 2, redirects: 1 }, 'redirects'],
    [{ sitemapIssues: 1 }, 'redirects'],
    [{ titleIssues: 1, mixedContent: 1 }, 'broken'],
    [{ fragmentIssues: 1 }, 'broken'],
    [{ broken: 3, redirects: 1 }, 'broken'],
  ] as const)('%j is at level %s', (counts, level) => {
    expect(worstLevel({ ...none, ...counts })).toBe(level);
  });

  test.each([
    ['broken', 'broken', true],
    ['broken', 'redirects', true],
    ['broken', 'titles', true],
    ['broken', 'none', false],
    ['redirects', 'broken', false],
    ['redirects', 'redirects', true],
    ['redirects', 'titles', true],
    ['titles', 'broken', false],
    ['titles', 'redirects', false],
    ['titles', 'titles', true],
    [null, 'titles', false],
  ] as const)('findings at %s with --fail-on %s fail: %s', (worst, failOn, expected) => {
    expect(failsAt(worst, failOn)).toBe(expected);
  });
});
