import { buildAuditReport, createLinkScope, renderAuditCsv } from '../../src/index.js';
import type { AuditInput, AuditPageRecord, CheckResult, PageRecord, PageReference } from '../../src/index.js';
import { describe, expect, test } from '../helpers/fixtures.js';

const S = 'https://s.test';
const classify = createLinkScope({ startUrls: [`${S}/`], scope: 'host', include: [], exclude: [], sortQuery: false, stripQuery: false, stripParams: [] });

function page(path: string, fields: Partial<PageRecord> = {}): PageRecord {
  const url = `${S}${path}`;
  return { url, finalUrl: url, status: 200, depth: 1, parent: `${S}/`, contentType: 'text/html', bytes: 10, title: path, links: 0, ms: 1, attempts: 1, truncated: false, redirects: [], error: null, ...fields };
}

function audit(path: string, references: Array<Partial<PageReference> & { url: string }>, anchors: string[] | null = null): AuditPageRecord {
  return { url: `${S}${path}`, references: references.map((reference) => ({ element: 'a', attribute: 'href', text: '', ...reference })), anchors, noindex: false };
}

function check(url: string, fields: Partial<CheckResult> = {}): [string, CheckResult] {
  return [url, { url, finalUrl: url, status: 200, contentType: 'text/html', redirects: [], error: null, method: 'HEAD', anchors: null, ...fields }];
}

function input(fields: Partial<AuditInput>): AuditInput {
  return {
    startUrls: [`${S}/`],
    options: { strict: false, checkFragments: true, titleMax: 60, titleMin: 0, failOn: 'broken' },
    classify,
    pages: [page('/', { depth: 0, parent: null })],
    titles: [],
    audits: [],
    checks: new Map(),
    sitemaps: undefined,
    crawl: { stopReason: 'completed', elapsedMs: 12.4 },
    ...fields,
  };
}

describe('buildAuditReport', () => {
  test('a redirect the crawl did not follow is judged by its target, with every hop', () => {
    const report = buildAuditReport(
      input({
        pages: [
          page('/', { depth: 0, parent: null }),
          // The crawl did not follow /old -> /img.png: the link checker had that URL already.
          page('/old', { status: 301, finalUrl: `${S}/img.png`, redirects: [{ url: `${S}/old`, status: 301 }] }),
        ],
        audits: [audit('/', [{ url: `${S}/old` }, { url: `${S}/img.png`, element: 'img', attribute: 'src' }])],
        checks: new Map([check(`${S}/img.png`, { status: 404, error: { code: 'http-404', message: 'HTTP 404' }, contentType: 'text/html' })]),
      }),
    );
    expect(report.brokenLinks.map((link) => [link.url, link.status, link.redirects, link.referrers.map((referrer) => referrer.element)])).toEqual([
      [`${S}/img.png`, 404, [], ['img']],
      [`${S}/old`, 404, [{ url: `${S}/old`, status: 301, permanent: true }], ['a']],
    ]);
  });

  test('a broken start URL has no referrers; an extractor failure is not a broken link', () => {
    const report = buildAuditReport(
      input({
        startUrls: [`${S}/`, `${S}/second`],
        pages: [page('/', { depth: 0, parent: null, error: { code: 'extractor-failed', message: 'x' } }), page('/second', { depth: 0, status: 500, error: { code: 'http-500', message: 'HTTP 500' } })],
      }),
    );
    expect(report.brokenLinks.map((link) => [link.url, link.referrers])).toEqual([[`${S}/second`, []]]);
    expect(renderAuditCsv(report).split('\r\n')[1]).toBe(`${S}/second,500,http-500,HTTP 500,,,,`);
  });

  test('audit.csv prefixes link text a spreadsheet would run as a formula with the shared escaper', () => {
    const report = buildAuditReport(
      input({
        audits: [audit('/', [{ url: `${S}/gone`, text: '-2+3' }, { url: `${S}/gone`, text: '@SUM(1)' }, { url: `${S}/gone`, text: '\uFF1DSUM(1)' }, { url: `${S}/gone`, text: 'plain' }])],
        checks: new Map([check(`${S}/gone`, { status: 404, error: { code: 'http-404', message: 'HTTP 404' } })]),
      }),
    );
    expect(renderAuditCsv(report).split('\r\n').slice(1, -1).map((row) => row.split(',')[5]).sort()).toEqual(["'-2+3", "'@SUM(1)", "'\uFF1DSUM(1)", 'plain']);
  });

  test('an https to http redirect is listed even with one hop; a redirect to an unchecked external URL is not broken', () => {
    const report = buildAuditReport(
      input({
        pages: [
          page('/', { depth: 0, parent: null }),
          page('/down', { status: 301, finalUrl: 'http://s.test/down', redirects: [{ url: `${S}/down`, status: 301 }] }),
          page('/away', { status: 302, finalUrl: 'https://other.test/', redirects: [{ url: `${S}/away`, status: 302 }] }),
        ],
        audits: [audit('/', [{ url: `${S}/down` }, { url: `${S}/away` }])],
      }),
    );
    expect(report.brokenLinks).toEqual([]);
    expect(report.redirects.map((issue) => [issue.url, issue.downgrade, issue.chain, issue.status])).toEqual([[`${S}/down`, true, false, 301]]);
    expect(report.summary.notChecked).toEqual({ external: 0, excluded: 0, unchecked: 0 });
  });

  test('fragments are looked up in the final page, whoever fetched it', () => {
    const report = buildAuditReport(
      input({
        pages: [page('/', { depth: 0, parent: null }), page('/moved', { finalUrl: `${S}/doc`, redirects: [{ url: `${S}/moved`, status: 301 }] })],
        audits: [
          audit('/', [{ url: `${S}/moved#a` }, { url: `${S}/moved#b` }, { url: `${S}/ext#x` }, { url: `${S}/ext#gone` }, { url: `${S}/#self` }], ['self']),
          audit('/doc', [], ['a']),
        ],
        checks: new Map([check(`${S}/ext`, { method: 'GET', anchors: ['x'] })]),
      }),
    );
    expect(report.fragmentIssues.map((issue) => [issue.url, issue.page])).toEqual([
      [`${S}/ext#gone`, `${S}/ext`],
      [`${S}/moved#b`, `${S}/doc`],
    ]);
  });

  test('referrers and lists are sorted, whatever order pages came in', () => {
    const pages = [page('/', { depth: 0, parent: null }), page('/b'), page('/a')];
    const audits = [audit('/b', [{ url: `${S}/gone`, text: 'z' }]), audit('/a', [{ url: `${S}/gone`, text: 'y' }, { url: `${S}/gone`, element: 'area', text: 'x' }])];
    const checks = new Map([check(`${S}/gone`, { status: 404, error: { code: 'http-404', message: 'HTTP 404' } })]);
    const forward = buildAuditReport(input({ pages, audits, checks }));
    const backward = buildAuditReport(input({ pages: [...pages].reverse(), audits: [...audits].reverse(), checks }));
    expect(backward).toEqual(forward);
    expect(forward.brokenLinks[0]?.referrers.map((referrer) => `${referrer.page} ${referrer.element} ${referrer.text}`)).toEqual([
      `${S}/a a y`,
      `${S}/a area x`,
      `${S}/b a z`,
    ]);
    expect(forward.summary).toMatchObject({ broken: 1, brokenByKind: { 'http-404': 1 }, linksFound: 3, urlsChecked: 2, elapsedMs: 12, worstLevel: 'broken', failed: true });
  });

  test('mixed content is listed per page and fails at the broken level', () => {
    const report = buildAuditReport(input({ audits: [audit('/', [{ url: 'http://cdn.test/x.js', element: 'script', attribute: 'src', mixed: true }])] }));
    expect(report.mixedContent).toEqual([{ page: `${S}/`, url: 'http://cdn.test/x.js', element: 'script', attribute: 'src' }]);
    expect(report.summary).toMatchObject({ mixedContent: 1, worstLevel: 'broken', notChecked: { external: 1, excluded: 0, unchecked: 0 } });
  });
});
