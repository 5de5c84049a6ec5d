import { formatAuditSummary } from '../../src/cli/audit-summary.js';
import { buildAuditReport, createLinkScope } from '../../src/index.js';
import type { AuditInput, CheckResult, PageRecord } from '../../src/index.js';
import { expect, test } from '../helpers/fixtures.js';

const S = 'http://s.test';
const classify = createLinkScope({ startUrls: [`${S}/`], scope: 'host', include: [], exclude: [], sortQuery: false, stripQuery: false, stripParams: [] });
const start: PageRecord = { url: `${S}/`, finalUrl: `${S}/`, status: 200, depth: 0, parent: null, contentType: 'text/html', bytes: 1, title: 't', links: 0, ms: 1, attempts: 1, truncated: false, redirects: [], error: null };

function report(paths: string[], fields: Partial<AuditInput> = {}) {
  const checks = new Map<string, CheckResult>(
    paths.map((path) => [`${S}${path}`, { url: `${S}${path}`, finalUrl: `${S}${path}`, status: 404, contentType: null, redirects: [], error: { code: 'http-404', message: 'HTTP 404' }, method: 'GET', anchors: null }]),
  );
  return buildAuditReport({
    startUrls: [`${S}/`],
    options: { strict: false, checkFragments: false, titleMax: 60, titleMin: 0, failOn: 'broken' },
    classify,
    pages: [start],
    titles: [{ url: `${S}/`, title: 'A good title', description: 'd', h1: ['h'], canonical: null, lang: null }],
    audits: [{ url: `${S}/`, references: paths.map((path) => ({ url: `${S}${path}`, element: 'img', attribute: 'src', text: '' })), anchors: null, noindex: false }],
    checks,
    sitemaps: undefined,
    crawl: { stopReason: 'completed', elapsedMs: 1500 },
    ...fields,
  });
}

test('broken links come first, five at most with a referrer each, then the files and the verdict', () => {
  const text = formatAuditSummary(report(['/1', '/2', '/3', '/4', '/5', '/6', '/7']), ['out/audit.json']);
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toBe(`Audited ${S}/: 1 page crawled, 7 references, 8 URLs checked in 1.5 s`);
  expect(lines.slice(2, 5)).toEqual(['Broken links: 7', `  404      ${S}/1`, `           on ${S}/ <img src>`]);
  expect(lines).toContain('  ... and 2 more (see report.html)');
  expect(lines.slice(-2)).toEqual(['Wrote out/audit.json', 'FAILED: found problems at level "broken" (--fail-on broken)']);
});

test('a clean audit says so and passes', () => {
  const text = formatAuditSummary(report([]), []);
  expect(text).toContain('No problems found.');
  expect(text.trimEnd().split('\n').at(-1)).toBe('PASSED (--fail-on broken)');
});
