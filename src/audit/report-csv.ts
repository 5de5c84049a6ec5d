import { csvField } from '../storage/csv.js';
import type { AuditReport } from './report-types.js';

/** Columns of `audit.csv`. */
export const AUDIT_CSV_COLUMNS: readonly string[] = ['url', 'status', 'error', 'message', 'referrer', 'text', 'element', 'attribute'];

/**
 * Renders the broken links as CSV (RFC 4180, CRLF, header row): one row per broken link per referrer, so a
 * spreadsheet can sort and filter by page; a broken link nothing refers to (a start URL) gets one row with an empty
 * referrer. Text a spreadsheet would run as a formula (link text, messages) is prefixed with `'` by
 * {@link csvField}, the escaper every sitecrawl CSV shares. Pure.
 */
export function renderAuditCsv(report: AuditReport): string {
  const rows: unknown[][] = [AUDIT_CSV_COLUMNS as string[]];
  for (const link of report.brokenLinks) {
    const base = [link.url, link.status, link.error.code, link.error.message];
    if (link.referrers.length === 0) rows.push([...base, '', '', '', '']);
    for (const referrer of link.referrers) rows.push([...base, referrer.page, referrer.text, referrer.element, referrer.attribute]);
  }
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}
