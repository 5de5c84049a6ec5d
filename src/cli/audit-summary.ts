import type { AuditReport, BrokenLink, Referrer } from '../audit/report-types.js';

const SHOWN = 5;
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function firstReferrer(referrers: readonly Referrer[]): string {
  const first = referrers[0];
  if (!first) return 'a start URL';
  const text = first.text ? ` "${first.text.length > 40 ? `${first.text.slice(0, 39)}…` : first.text}"` : '';
  const more = referrers.length > 1 ? ` and ${plural(referrers.length - 1, 'other')}` : '';
  return `on ${first.page} <${first.element} ${first.attribute}>${text}${more}`;
}

function brokenLine(link: BrokenLink): string {
  const what = link.status !== null ? String(link.status) : link.error.code;
  return `  ${what.padEnd(8)} ${link.url}\n           ${firstReferrer(link.referrers)}`;
}

function list<T>(lines: string[], title: string, items: readonly T[], line: (item: T) => string): void {
  if (items.length === 0) return;
  lines.push(`${title}: ${items.length}`);
  for (const item of items.slice(0, SHOWN)) lines.push(line(item));
  if (items.length > SHOWN) lines.push(`  ... and ${items.length - SHOWN} more (see report.html)`);
}

function byKind(issues: ReadonlyArray<{ issue: string }>): string {
  const counts = new Map<string, number>();
  for (const issue of issues) counts.set(issue.issue, (counts.get(issue.issue) ?? 0) + 1);
  return [...counts].map(([kind, count]) => `${kind} ${count}`).join(', ');
}

/**
 * The audit's terminal summary, worst problems first: broken links (with a referrer each), missing fragments, mixed
 * content, redirects, sitemap issues, then titles, meta, content types and orphans by kind, what was not checked,
 * the files written and the verdict. Pure.
 */
export function formatAuditSummary(report: AuditReport, files: readonly string[]): string {
  const s = report.summary;
  const lines = [
    `Audited ${s.startUrls.join(', ')}: ${plural(s.pagesCrawled, 'page')} crawled, ${plural(s.linksFound, 'reference')}, ` +
      `${plural(s.urlsChecked, 'URL')} checked in ${(s.elapsedMs / 1000).toFixed(1)} s` +
      (s.stopReason === 'completed' ? '' : ` (stopped: ${s.stopReason}; results are partial)`),
    '',
  ];
  list(lines, 'Broken links', report.brokenLinks, brokenLine);
  list(lines, 'Missing fragments', report.fragmentIssues, (issue) => `  ${issue.url}\n           ${firstReferrer(issue.referrers)}`);
  list(lines, 'Mixed content', report.mixedContent, (issue) => `  ${issue.url}\n           on ${issue.page} <${issue.element} ${issue.attribute}>`);
  list(lines, 'Redirects', report.redirects, (issue) => {
    const kind = [issue.chain ? `${issue.hops.length} hops` : '', issue.downgrade ? 'https to http' : '', issue.permanent ? 'permanent' : 'temporary'].filter(Boolean).join(', ');
    return `  ${issue.url} -> ${issue.finalUrl} (${kind})`;
  });
  list(lines, 'Sitemap URLs with errors or redirects', report.sitemapIssues, (issue) => `  ${issue.issue.padEnd(8)} ${issue.url}`);
  if (report.titleIssues.length > 0) lines.push(`Title issues: ${report.titleIssues.length} (${byKind(report.titleIssues)})`);
  if (report.metaIssues.length > 0) lines.push(`Meta issues: ${report.metaIssues.length} (${byKind(report.metaIssues)})`);
  list(lines, 'Unexpected content types', report.contentTypeIssues, (issue) => `  ${issue.url} (expected ${issue.expected}, got ${issue.contentType})`);
  list(lines, 'Orphans (in a sitemap, not reached by links)', report.orphans, (orphan) => `  ${orphan.url}`);
  if (s.unverifiable > 0) lines.push(`Unverifiable (401/403/429/999 or robots.txt; not counted as broken without --strict): ${s.unverifiable}`);
  if (lines.length === 2) lines.push('No problems found.');
  const skipped = s.notChecked;
  if (skipped.external + skipped.excluded + skipped.unchecked > 0)
    lines.push(`Not checked: ${skipped.external} external${skipped.external > 0 ? ' (use --external)' : ''}, ${skipped.excluded} excluded, ${skipped.unchecked} unchecked`);
  lines.push('');
  for (const file of files) lines.push(`Wrote ${file}`);
  lines.push(
    s.failed
      ? `FAILED: found problems at level "${s.worstLevel}" (--fail-on ${s.failOn})`
      : `PASSED (--fail-on ${s.failOn}${s.worstLevel ? `; found problems at level "${s.worstLevel}"` : ''})`,
  );
  return `${lines.join('\n')}\n`;
}
