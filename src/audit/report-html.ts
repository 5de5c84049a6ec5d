import { escapeHtml, linkTo, renderSection } from './html-table.js';
import type { Column } from './html-table.js';
import { REPORT_CSS, REPORT_JS } from './report-html-assets.js';
import type { AuditReport, RedirectHop, Referrer } from './report-types.js';

const SHOWN_REFERRERS = 5;
// The report is a file people open and share: it must not load or send anything.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function referrerItem(referrer: Referrer): string {
  const text = referrer.text ? ` <span class="text">&ldquo;${escapeHtml(referrer.text)}&rdquo;</span>` : '';
  return `<li>${linkTo(referrer.page)} <span class="el">&lt;${escapeHtml(referrer.element)} ${escapeHtml(referrer.attribute)}&gt;</span>${text}</li>`;
}

function referrerList(referrers: readonly Referrer[]): string {
  if (referrers.length === 0) return '<span class="text">start URL</span>';
  const shown = referrers.slice(0, SHOWN_REFERRERS).map(referrerItem).join('');
  const rest = referrers.slice(SHOWN_REFERRERS);
  const more = rest.length > 0 ? `<details><summary>${rest.length} more</summary><ul class="refs">${rest.map(referrerItem).join('')}</ul></details>` : '';
  return `<ul class="refs">${shown}</ul>${more}`;
}

function hopList(hops: readonly RedirectHop[], finalUrl: string): string {
  const items = hops.map((hop) => `<li><span class="tag${hop.permanent ? '' : ' warn'}">${hop.status}</span>${linkTo(hop.url)}</li>`);
  return `<ul class="hops">${items.join('')}<li>&rarr; ${linkTo(finalUrl)}</li></ul>`;
}

function pageList(pages: readonly string[]): string {
  return `<ul class="refs">${pages.map((page) => `<li>${linkTo(page)}</li>`).join('')}</ul>`;
}

const status = (value: number | null) => (value === null ? '&mdash;' : String(value));
const tag = (text: string, kind = '') => `<span class="tag${kind ? ` ${kind}` : ''}">${escapeHtml(text)}</span>`;
const referrerCount: Column<{ referrers: readonly Referrer[] }> = {
  title: 'Referrers',
  numeric: true,
  html: (row) => String(row.referrers.length),
  sortKey: (row) => row.referrers.length,
};
const foundOn: Column<{ referrers: readonly Referrer[] }> = { title: 'Found on', html: (row) => referrerList(row.referrers) };

function sections(report: AuditReport): string[] {
  return [
    renderSection({
      id: 'broken',
      title: 'Broken links',
      rows: report.brokenLinks,
      empty: 'No broken links.',
      columns: [
        { title: 'URL', html: (row) => linkTo(row.url) + (row.redirects.length > 0 ? hopList(row.redirects, row.finalUrl) : '') },
        { title: 'Status', numeric: true, html: (row) => status(row.status), sortKey: (row) => row.status ?? -1 },
        { title: 'Error', html: (row) => `${tag(row.error.code, 'bad')}<div class="text">${escapeHtml(row.error.message)}</div>` },
        referrerCount,
        foundOn,
      ],
    }),
    renderSection({
      id: 'unverifiable',
      title: 'Unverifiable links',
      note: 'These answered 401, 403, 429 or 999 (sites that turn robots away) or robots.txt disallows them: check them in a browser.',
      rows: report.unverifiable,
      empty: 'No unverifiable links.',
      columns: [
        { title: 'URL', html: (row) => linkTo(row.url) },
        { title: 'Status', numeric: true, html: (row) => status(row.status), sortKey: (row) => row.status ?? -1 },
        { title: 'Reason', html: (row) => tag(row.error.code, 'warn') },
        referrerCount,
        foundOn,
      ],
    }),
    renderSection({
      id: 'fragments',
      title: 'Missing fragments',
      rows: report.fragmentIssues,
      empty: 'No missing fragments (or fragments were not checked).',
      columns: [
        { title: 'Link', html: (row) => linkTo(row.url) },
        { title: 'Fragment', html: (row) => `#${escapeHtml(row.fragment)}` },
        { title: 'Looked in', html: (row) => linkTo(row.page) },
        referrerCount,
        foundOn,
      ],
    }),
    renderSection({
      id: 'mixed',
      title: 'Mixed content',
      rows: report.mixedContent,
      empty: 'No http resources on https pages.',
      columns: [
        { title: 'Page', html: (row) => linkTo(row.page) },
        { title: 'Resource', html: (row) => linkTo(row.url) },
        { title: 'Element', html: (row) => `<span class="el">&lt;${escapeHtml(row.element)} ${escapeHtml(row.attribute)}&gt;</span>` },
      ],
    }),
    renderSection({
      id: 'redirects',
      title: 'Redirects',
      note: 'Links that redirect more than once, or from https to http. Permanent hops (301, 308) mean the link can be updated.',
      rows: report.redirects,
      empty: 'No redirect chains.',
      columns: [
        { title: 'URL', html: (row) => linkTo(row.url) },
        { title: 'Hops', html: (row) => hopList(row.hops, row.finalUrl), sortKey: (row) => row.hops.length, numeric: true },
        {
          title: 'Kind',
          html: (row) =>
            [row.permanent ? tag('permanent') : tag('temporary', 'warn'), row.chain ? tag('chain', 'warn') : '', row.downgrade ? tag('https to http', 'bad') : ''].join(''),
        },
        { title: 'Final status', numeric: true, html: (row) => status(row.status), sortKey: (row) => row.status ?? -1 },
        referrerCount,
        foundOn,
      ],
    }),
    renderSection({
      id: 'sitemap-issues',
      title: 'Sitemap URLs with errors or redirects',
      rows: report.sitemapIssues,
      empty: 'No sitemap URL answered an error or a redirect (or no sitemap was read).',
      columns: [
        { title: 'URL', html: (row) => linkTo(row.url) },
        { title: 'Issue', html: (row) => tag(row.issue, row.issue === 'error' ? 'bad' : 'warn') },
        { title: 'Status', numeric: true, html: (row) => status(row.status), sortKey: (row) => row.status ?? -1 },
        { title: 'Final URL', html: (row) => linkTo(row.finalUrl) },
        { title: 'Sitemap', html: (row) => linkTo(row.sitemap) },
      ],
    }),
    renderSection({
      id: 'titles',
      title: 'Title issues',
      rows: report.titleIssues,
      empty: 'No title issues.',
      columns: [
        { title: 'Issue', html: (row) => tag(row.issue, 'warn') },
        { title: 'Title', html: (row) => (row.title === null ? '&mdash;' : escapeHtml(row.title)) },
        { title: 'Length', numeric: true, html: (row) => String(row.length), sortKey: (row) => row.length },
        { title: 'Pages', html: (row) => pageList(row.pages), sortKey: (row) => row.pages[0] ?? '' },
      ],
    }),
    renderSection({
      id: 'meta',
      title: 'Meta issues',
      rows: report.metaIssues,
      empty: 'No description, heading or canonical issues.',
      columns: [
        { title: 'Issue', html: (row) => tag(row.issue, row.issue === 'canonical-broken' ? 'bad' : 'warn') },
        { title: 'Value', html: (row) => (row.value === null ? '&mdash;' : escapeHtml(row.value)) },
        { title: 'Pages', html: (row) => pageList(row.pages), sortKey: (row) => row.pages[0] ?? '' },
      ],
    }),
    renderSection({
      id: 'content-types',
      title: 'Unexpected content types',
      note: 'Pages linked as HTML that answer something else, and images, scripts or stylesheets answered with an HTML page.',
      rows: report.contentTypeIssues,
      empty: 'No unexpected content types.',
      columns: [
        { title: 'URL', html: (row) => linkTo(row.url) },
        { title: 'Expected', html: (row) => escapeHtml(row.expected) },
        { title: 'Got', html: (row) => escapeHtml(row.contentType) },
        referrerCount,
        foundOn,
      ],
    }),
    renderSection({
      id: 'orphans',
      title: 'Orphan pages',
      note: 'Listed in a sitemap but not reached by links within the crawl depth.',
      rows: report.orphans,
      empty: 'No orphans (or no sitemap was read).',
      columns: [
        { title: 'URL', html: (row) => linkTo(row.url) },
        { title: 'Status', numeric: true, html: (row) => status(row.status), sortKey: (row) => row.status ?? -1 },
        { title: 'Sitemap', html: (row) => linkTo(row.sitemap) },
      ],
    }),
    renderSection({
      id: 'sitemaps',
      title: 'Sitemaps read',
      rows: report.sitemaps,
      empty: 'No sitemap was read.',
      columns: [
        { title: 'Sitemap', html: (row) => linkTo(row.url) },
        { title: 'Found', html: (row) => escapeHtml(row.source) },
        { title: 'Kind', html: (row) => escapeHtml(row.kind ?? '') },
        { title: 'URLs', numeric: true, html: (row) => String(row.urls), sortKey: (row) => row.urls },
        { title: 'Status', html: (row) => (row.error ? tag(row.error.code, row.source === 'default' ? '' : 'bad') : status(row.status)) },
      ],
    }),
  ];
}

function cards(report: AuditReport): string {
  const s = report.summary;
  // [card, label, count, section it links to, colour when non-zero]
  const items: Array<[string, string, number, string, 'bad' | 'warn' | 'info']> = [
    ['broken', 'broken links', s.broken, 'broken', 'bad'],
    ['unverifiable', 'unverifiable', s.unverifiable, 'unverifiable', 'warn'],
    ['fragments', 'missing fragments', s.fragmentIssues, 'fragments', 'bad'],
    ['mixed', 'mixed content', s.mixedContent, 'mixed', 'bad'],
    ['redirects', 'redirects', s.redirects, 'redirects', 'warn'],
    ['sitemap-issues', 'sitemap issues', s.sitemapIssues, 'sitemap-issues', 'warn'],
    ['titles', 'title issues', s.titleIssues, 'titles', 'warn'],
    ['meta', 'meta issues', s.metaIssues, 'meta', 'warn'],
    ['content-types', 'content types', s.contentTypeIssues, 'content-types', 'warn'],
    ['orphans', 'orphans', s.orphans, 'orphans', 'warn'],
    ['pages', 'pages crawled', s.pagesCrawled, 'broken', 'info'],
    ['checked', 'URLs checked', s.urlsChecked, 'broken', 'info'],
  ];
  const html = items.map(([card, label, count, section, level]) => {
    const kind = level === 'info' ? 'info' : count > 0 ? level : 'ok';
    return `<li class="card ${kind}" data-card="${card}"><a href="#${section}"><strong>${count}</strong>${escapeHtml(label)}</a></li>`;
  });
  return `<ul class="cards">${html.join('')}</ul>`;
}

/**
 * Renders `report.html`: one self-contained page (inline style and script, a CSP that forbids loading anything)
 * with the summary counts at the top and a sortable, filterable table per list; every broken link lists its
 * referrers as links. Everything from the crawl is escaped; only http(s) URLs become links. Pure.
 */
export function renderAuditHtml(report: AuditReport, generatedAt: Date): string {
  const s = report.summary;
  const hosts = [...new Set(s.startUrls.map((url) => new URL(url).host))].join(', ');
  const verdict = s.failed
    ? `<span class="verdict failed">Failed</span> (findings at level &ldquo;${escapeHtml(s.worstLevel ?? '')}&rdquo;, failing on &ldquo;${escapeHtml(s.failOn)}&rdquo;)`
    : `<span class="verdict passed">Passed</span> (failing on &ldquo;${escapeHtml(s.failOn)}&rdquo;)`;
  const partial = s.stopReason === 'completed' ? '' : `; the crawl stopped early (${escapeHtml(s.stopReason)}), so the lists are partial`;
  const skipped = s.notChecked;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}"><meta name="referrer" content="no-referrer">
<title>sitecrawl audit: ${escapeHtml(hosts)}</title><style>${REPORT_CSS}</style></head>
<body><header><h1>Audit of ${s.startUrls.map((url) => linkTo(url)).join(', ')}</h1>
<p class="meta">${verdict}. ${s.pagesCrawled} pages crawled, ${s.linksFound} references found, ${s.urlsChecked} URLs checked in
${(s.elapsedMs / 1000).toFixed(1)} s${partial}. Not checked: ${skipped.external} external, ${skipped.excluded} excluded, ${skipped.unchecked} unchecked.
Generated ${escapeHtml(generatedAt.toISOString())} by sitecrawl.</p></header>
<main>${cards(report)}
${sections(report).join('\n')}
</main><script>${REPORT_JS}</script></body></html>
`;
}
