import { csvField } from '../storage/csv.js';
import type { AuditReport } from './report-types.js';

/** Columns of `audit.csv`. */
export const AUDIT_CSV_COLUMNS: readonly string[] = ['url', 'status', 'error', 'message', 'referrer', 'text', 'element', 'attribute'];

// OWASP "CSV Injection": a cell starting with = + - @ (or a tab/CR) runs as a formula in spreadsheets. Link text
// comes from the crawled pages, so it is defused with a leading apostrophe.
function defused(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * Renders the broken links as CSV (RFC 4180, CRLF, header row): one row per broken link per referrer, so a
 * spreadsheet can sort and filter by page; a broken link nothing refers to (a start URL) gets one row with an empty
 * referrer. Link text that a spreadsheet would run as a formula is prefixed with `'`. Pure.
 */
export function renderAuditCsv(report: AuditReport): string {
  const rows: unknown[][] = [AUDIT_CSV_COLUMNS as string[]];
  for (const link of report.brokenLinks) {
    const base = [link.url, link.status, link.error.code, link.error.message];
    if (link.referrers.length === 0) rows.push([...base, '', '', '', '']);
    for (const referrer of link.referrers) rows.push([...base, referrer.page, defused(referrer.text), referrer.element, referrer.attribute]);
  }
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}
