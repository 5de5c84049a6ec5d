// HTML building blocks of report.html: escaping, links, and sortable, filterable tables. Pure string functions.

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);
}

/** A link to `url` (opening in a new tab) when it is http(s); other values are shown as text, never as a link. */
export function linkTo(url: string, label: string = url): string {
  if (!/^https?:\/\//i.test(url)) return `<span>${escapeHtml(label)}</span>`;
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(label)}</a>`;
}

/** One column of a report table. */
export interface Column<T> {
  title: string;
  /** The cell's HTML (escape what comes from the crawl). */
  html: (row: T) => string;
  /** Sort key when it is not the cell's text (numbers for `number` columns). */
  sortKey?: (row: T) => string | number;
  /** Sorted as numbers, right-aligned. */
  numeric?: boolean;
}

/** A table section of the report. */
export interface TableSection<T> {
  /** Anchor id of the section (the table is `t-<id>`). */
  id: string;
  title: string;
  rows: readonly T[];
  columns: readonly Column<T>[];
  /** Shown instead of the table when there are no rows. */
  empty: string;
  /** A line under the heading. */
  note?: string;
}

/**
 * Renders a section: heading with the row count, a filter box, and a table whose headers are sort buttons (the
 * report's script makes them work; without it the table is still there, in the report's order).
 */
export function renderSection<T>(section: TableSection<T>): string {
  const tableId = `t-${section.id}`;
  const heading = `<h2>${escapeHtml(section.title)} <span class="count">${section.rows.length}</span></h2>`;
  const note = section.note ? `<p class="meta">${escapeHtml(section.note)}</p>` : '';
  if (section.rows.length === 0) return `<section id="${section.id}">${heading}${note}<p class="empty">${escapeHtml(section.empty)}</p></section>`;
  const head = section.columns
    .map((column) => `<th scope="col" aria-sort="none" data-type="${column.numeric ? 'number' : 'text'}"><button type="button">${escapeHtml(column.title)}</button></th>`)
    .join('');
  const body = section.rows
    .map((row) => {
      const cells = section.columns.map((column) => {
        const sort = column.sortKey ? ` data-sort="${escapeHtml(String(column.sortKey(row)))}"` : '';
        return `<td${column.numeric ? ' class="num"' : ''}${sort}>${column.html(row)}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  const bar =
    `<div class="bar"><input type="search" class="filter" data-table="${tableId}" placeholder="Filter ${escapeHtml(section.title.toLowerCase())}" ` +
    `aria-label="Filter ${escapeHtml(section.title.toLowerCase())}"><span class="shown" data-shown-for="${tableId}" aria-live="polite"></span></div>`;
  return (
    `<section id="${section.id}">${heading}${note}${bar}<div class="table-wrap"><table id="${tableId}" class="report">` +
    `<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div></section>`
  );
}
