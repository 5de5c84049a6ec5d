import { buildAuditReport, createLinkScope, renderAuditHtml } from '../../src/index.js';
import type { AuditReport, PageRecord } from '../../src/index.js';
import { expect, test } from '../helpers/fixtures.js';

const S = 'https://s.test';
const classify = createLinkScope({ startUrls: [`${S}/`], scope: 'host', include: [], exclude: [], sortQuery: false, stripQuery: false, stripParams: [] });
const start: PageRecord = { url: `${S}/`, finalUrl: `${S}/`, status: 200, depth: 0, parent: null, contentType: 'text/html', bytes: 1, title: 't', links: 0, ms: 1, attempts: 1, truncated: false, redirects: [], error: null };

function hostileReport(): AuditReport {
  const report = buildAuditReport({
    startUrls: [`${S}/`],
    options: { strict: false, checkFragments: false, titleMax: 10, titleMin: 0, failOn: 'broken' },
    classify,
    pages: [start],
    titles: [{ url: `${S}/`, title: '</title><script>alert("title")</script>', description: null, h1: [], canonical: null, lang: null }],
    audits: [
      {
        url: `${S}/`,
        references: [
          { url: 'javascript:alert(1)', element: 'a', attribute: 'href', text: 'js', invalid: true },
          { url: `${S}/gone?a=1&b="2"`, element: 'a', attribute: 'href', text: '"><img src=x onerror=alert(2)>' },
        ],
        anchors: null,
        noindex: false,
      },
    ],
    checks: new Map([[`${S}/gone?a=1&b=%222%22`, { url: `${S}/gone?a=1&b=%222%22`, finalUrl: `${S}/gone?a=1&b=%222%22`, status: 404, contentType: null, redirects: [], error: { code: 'http-404', message: 'HTTP 404' }, method: 'GET' as const, anchors: null }]]),
    sitemaps: undefined,
    crawl: { stopReason: 'completed', elapsedMs: 1 },
  });
  return report;
}

test('everything from the crawl is escaped, and only http(s) URLs become links', () => {
  const html = renderAuditHtml(hostileReport(), new Date('2024-01-02T03:04:05Z'));
  expect(html).not.toContain('<script>alert');
  expect(html).not.toContain('<img src=x');
  expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
  expect(html).toContain('&lt;/title&gt;&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;');
  expect(html).not.toMatch(/href="javascript:/i);
  expect(html).toContain('<span>javascript:alert(1)</span>');
  expect(html).toContain(`<a href="${S}/gone?a=1&amp;b=%222%22" target="_blank" rel="noopener noreferrer">`);
  expect(html).toContain('Generated 2024-01-02T03:04:05.000Z');
});

test('the page loads nothing: a CSP forbids it, and no element has a src or a stylesheet link', () => {
  const html = renderAuditHtml(hostileReport(), new Date());
  expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
  expect(html).not.toMatch(/<(?:script|img|iframe|link)\b[^>]*\b(?:src|href)=/i);
  expect(html.match(/<script>/g)).toHaveLength(1);
});

test('summary counts lead the page and every list has a section, empty ones saying so', () => {
  const html = renderAuditHtml(hostileReport(), new Date());
  expect(html.indexOf('class="cards"')).toBeLessThan(html.indexOf('<section'));
  expect(html).toMatch(/<li class="card bad" data-card="broken"><a href="#broken"><strong>2<\/strong>broken links<\/a><\/li>/);
  for (const id of ['broken', 'unverifiable', 'fragments', 'mixed', 'redirects', 'sitemap-issues', 'titles', 'meta', 'content-types', 'orphans', 'sitemaps'])
    expect(html, id).toContain(`<section id="${id}">`);
  expect(html).toContain('<p class="empty">No redirect chains.</p>');
  expect(html).toContain('<table id="t-broken" class="report">');
});
