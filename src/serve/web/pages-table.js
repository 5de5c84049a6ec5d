import { useState } from 'preact/hooks';
import { html } from './html.js';
import { formatCount } from './format.js';
import { useRecords } from './records.js';

const statusOf = (page) => (page.error ? `${page.status ?? ''} ${page.error.code}`.trim() : String(page.status ?? ''));

/** The pages a job fetched, as a table with a filter box (URL, title or status, as typed). */
export function PagesTable({ jobId, version }) {
  const { records, error, loading, more, loadMore } = useRecords(jobId, 'pages', version);
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? records.filter((page) => `${page.url} ${page.title ?? ''} ${statusOf(page)}`.toLowerCase().includes(needle))
    : records;
  return html`
    <section class="pages" aria-labelledby="pages-title">
      <h3 id="pages-title">Pages</h3>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <label class="field filter">
        <span>Filter pages</span>
        <input type="search" value=${filter} onInput=${(event) => setFilter(event.currentTarget.value)} placeholder="URL, title or status" />
      </label>
      <p class="muted" aria-live="polite">${loading ? 'Loading…' : `${formatCount(shown.length)} of ${formatCount(records.length)} shown${more ? ' (more to load)' : ''}`}</p>
      <div class="table-scroll">
        <table>
          <thead><tr><th scope="col">URL</th><th scope="col">Status</th><th scope="col">Depth</th><th scope="col">Title</th></tr></thead>
          <tbody>
            ${shown.map((page) => html`
              <tr key=${page.url}>
                <td class="url"><a href=${page.url} target="_blank" rel="noreferrer noopener">${page.url}</a></td>
                <td class=${page.error ? 'bad' : ''}>${statusOf(page)}</td>
                <td>${page.depth}</td>
                <td>${page.title ?? ''}</td>
              </tr>`)}
          </tbody>
        </table>
      </div>
      ${more && html`<button type="button" class="secondary" onClick=${loadMore}>More pages</button>`}
    </section>`;
}
