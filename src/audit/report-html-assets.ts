// The inline style and script of report.html: the page loads nothing from anywhere (its CSP forbids it).

/** The report's stylesheet. */
export const REPORT_CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fff; --panel: #f6f8fa; --line: #d1d9e0;
  --bad: #cf222e; --warn: #9a6700; --ok: #1a7f37; --link: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23;
  --line: #3d444d; --bad: #f85149; --warn: #d29922; --ok: #3fb950; --link: #4493f8; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1400px; padding: 1.5rem; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--fg); background: var(--bg); }
a { color: var(--link); overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { font-size: 1.2rem; margin: 0; }
.meta { color: var(--muted); margin: 0 0 1rem; }
.verdict { font-weight: 700; } .verdict.failed { color: var(--bad); } .verdict.passed { color: var(--ok); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: .5rem; padding: 0; margin: 1rem 0 2rem; list-style: none; }
.card a { display: block; padding: .6rem .8rem; border: 1px solid var(--line); border-left-width: 4px; border-radius: 6px;
  background: var(--panel); color: var(--fg); text-decoration: none; }
.card strong { display: block; font-size: 1.5rem; }
.card.bad a { border-left-color: var(--bad); } .card.warn a { border-left-color: var(--warn); } .card.ok a { border-left-color: var(--ok); }
.card.info a { border-left-color: var(--line); }
section { margin: 0 0 2.5rem; }
.bar { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; margin: 0 0 .5rem; }
.bar input { padding: .35rem .5rem; min-width: 18rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
.shown { color: var(--muted); }
.count { display: inline-block; min-width: 1.6rem; padding: 0 .45rem; border-radius: 1rem; background: var(--panel);
  border: 1px solid var(--line); font-size: .9rem; text-align: center; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
th { position: sticky; top: 0; background: var(--panel); white-space: nowrap; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button:focus-visible { outline: 2px solid var(--link); }
th[aria-sort="ascending"] button::after { content: " \\25B2"; } th[aria-sort="descending"] button::after { content: " \\25BC"; }
td.num, th[data-type="number"] { text-align: right; } td.num { font-variant-numeric: tabular-nums; }
tr[hidden] { display: none; }
ul.refs { margin: 0; padding-left: 1rem; } ul.hops { margin: .2rem 0 0; padding: 0; list-style: none; }
.el { color: var(--muted); font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85em; }
.text { color: var(--muted); }
.tag { display: inline-block; margin: 0 .25rem .1rem 0; padding: 0 .4rem; border-radius: 4px; border: 1px solid var(--line); font-size: .85em; }
.tag.bad { color: var(--bad); border-color: var(--bad); } .tag.warn { color: var(--warn); border-color: var(--warn); }
.empty { color: var(--ok); }
@media print { .bar { display: none; } th { position: static; } }
`;

/** The report's script: sortable columns (click a header) and a filter box per table; the page reads fine without it. */
export const REPORT_JS = `
(() => {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  const keyOf = (row, column) => {
    const cell = row.cells[column];
    return cell === undefined ? '' : (cell.dataset.sort ?? cell.textContent.trim());
  };
  for (const table of document.querySelectorAll('table.report')) {
    const body = table.tBodies[0];
    const headers = [...table.tHead.rows[0].cells];
    headers.forEach((th, column) => {
      th.querySelector('button').addEventListener('click', () => {
        const ascending = th.getAttribute('aria-sort') !== 'ascending';
        for (const other of headers) other.setAttribute('aria-sort', 'none');
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        const numeric = th.dataset.type === 'number';
        const rows = [...body.rows].sort((a, b) => {
          const [x, y] = [keyOf(a, column), keyOf(b, column)];
          const order = numeric ? Number(x) - Number(y) : collator.compare(x, y);
          return ascending ? order : -order;
        });
        body.append(...rows);
      });
    });
  }
  for (const input of document.querySelectorAll('input.filter')) {
    const table = document.getElementById(input.dataset.table);
    const shown = document.querySelector('[data-shown-for="' + input.dataset.table + '"]');
    input.addEventListener('input', () => {
      const words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
      const rows = [...table.tBodies[0].rows];
      let visible = 0;
      for (const row of rows) {
        const text = row.textContent.toLowerCase();
        row.hidden = !words.every((word) => text.includes(word));
        if (!row.hidden) visible++;
      }
      shown.textContent = words.length > 0 ? visible + ' of ' + rows.length + ' shown' : '';
    });
  }
})();
`;
