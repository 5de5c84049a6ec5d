import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { cancelJob, fileUrl, getJob, isFinal, resumeJob, watchJob } from './api.js';
import { formatCount, formatDuration, formatTime } from './format.js';
import { Gallery } from './gallery.js';
import { StateBadge } from './job-list.js';
import { PagesTable } from './pages-table.js';

// Results are reloaded while a job runs, at most this often (each reload reads the records again).
const RELOAD_MS = 3000;

/**
 * How far along a job is, 0..1, or null when unknown (queued). A breadth-first crawl does not know its size ahead,
 * so the fraction is the best of: pages over pages + queue, pages over maxPages, images over maxImages. Pure.
 */
export function progressOf(job, counters) {
  if (job.state === 'done') return 1;
  if (job.state === 'queued') return null;
  const { pages, queued, imagesSaved } = counters;
  const fractions = [pages + queued > 0 ? pages / (pages + queued) : 0];
  if (Number.isFinite(job.options.maxPages)) fractions.push(pages / job.options.maxPages);
  if (job.mode === 'images' && Number.isFinite(job.options.maxImages)) fractions.push(imagesSaved / job.options.maxImages);
  const best = Math.min(1, Math.max(...fractions));
  return isFinal(job.state) ? best : Math.min(best, 0.99);
}

function Progress({ job, counters }) {
  const fraction = progressOf(job, counters);
  const percent = fraction === null ? null : Math.round(fraction * 100);
  const stats = [
    ['Pages', formatCount(counters.pages)],
    ['Queue', formatCount(counters.queued)],
    ...(job.mode === 'images' ? [['Images saved', formatCount(counters.imagesSaved)]] : []),
    ['Errors', formatCount(counters.errors)],
    ['Rate', `${counters.pagesPerSecond} pages/s`],
    ['Depth', String(counters.depth)],
  ];
  return html`
    <div class="progress">
      <div class="bar-line">
        ${percent === null
          ? html`<progress id="job-progress" aria-label="Job progress" aria-valuetext=${job.state}></progress>`
          : html`<progress id="job-progress" max="100" value=${percent} aria-label="Job progress" aria-valuetext=${`${percent}% (${job.state})`}></progress>`}
        <span class="percent" aria-hidden="true">${percent === null ? '…' : `${percent}%`}</span>
      </div>
      <dl class="stats">
        ${stats.map(([label, value]) => html`<div class=${`stat stat-${label.toLowerCase().replace(/ /g, '-')}`}><dt>${label}</dt><dd>${value}</dd></div>`)}
      </dl>
    </div>`;
}

/** One job: its state and live progress (from the event stream), cancel or resume, then its results. */
export function JobView({ id, onChanged }) {
  const [job, setJob] = useState(null);
  const [counters, setCounters] = useState(null);
  const [error, setError] = useState(null);
  const [version, setVersion] = useState(0);
  const [busy, setBusy] = useState(false);
  const lastReload = useRef(0);
  const heading = useRef(null);
  const loaded = job !== null;

  // Focus moves to the job that was opened (screen readers announce it; on a phone it scrolls into view).
  useEffect(() => {
    if (loaded) heading.current?.focus();
  }, [loaded]);

  useEffect(() => {
    let stopped = false;
    let stop = () => {};
    setJob(null);
    setError(null);
    const reload = (force) => {
      if (!force && Date.now() - lastReload.current < RELOAD_MS) return;
      lastReload.current = Date.now();
      setVersion((value) => value + 1);
    };
    getJob(id).then(
      (first) => {
        if (stopped) return;
        setJob(first);
        setCounters(first.counters);
        stop = watchJob(id, {
          onState: (next) => setJob(next),
          onProgress: (next) => {
            setCounters(next);
            reload(false);
          },
          onEnd: (ended) => {
            setJob((earlier) => ({ ...earlier, ...ended }));
            setCounters(ended.counters);
            reload(true);
            onChanged();
          },
        });
      },
      (failure) => !stopped && setError(failure.message),
    );
    return () => {
      stopped = true;
      stop();
    };
  }, [id]);

  if (error) return html`<section class="job-view"><p class="error" role="alert">${error}</p></section>`;
  if (!job || !counters) return html`<section class="job-view"><p class="muted">Loading…</p></section>`;

  // A cancel answers once the job has stopped and flushed its outputs: the buttons wait for it.
  async function act(action) {
    setBusy(true);
    try {
      setJob(await action(job.id));
      onChanged();
    } catch (failure) {
      setError(failure.message);
    } finally {
      setBusy(false);
    }
  }

  const running = !isFinal(job.state);
  const canResume = job.state === 'interrupted' || job.state === 'cancelled' || job.state === 'failed';
  return html`
    <section class="job-view" aria-labelledby="job-title">
      <header>
        <h2 id="job-title" tabindex="-1" ref=${heading}>${job.mode} job <code>${job.id}</code></h2>
        <p class="state" aria-live="polite">State: <${StateBadge} state=${job.state} /></p>
        <p class="muted">
          ${job.urls.map((url) => html`<a href=${url} target="_blank" rel="noreferrer noopener">${url}</a> `)}
          · created ${formatTime(job.createdAt)}${job.startedAt ? ` · ran ${formatDuration(job.startedAt, job.endedAt)}` : ''}
        </p>
        ${job.error && html`<p class="error" role="alert">${job.error.code}: ${job.error.message}</p>`}
      </header>
      <${Progress} job=${job} counters=${counters} />
      <div class="actions">
        ${running && html`<button type="button" class="danger" disabled=${busy} onClick=${() => act(cancelJob)}>${busy ? 'Cancelling…' : 'Cancel'}</button>`}
        ${canResume && html`<button type="button" class="secondary" disabled=${busy} onClick=${() => act(resumeJob)}>Resume</button>`}
        ${job.files.gallery && html`<a class="button secondary" href=${fileUrl(job.id, job.files.gallery)} target="_blank" rel="noopener">Gallery page</a>`}
        ${job.files.report && html`<a class="button" href=${fileUrl(job.id, job.files.report)} target="_blank" rel="noopener">Audit report</a>`}
        ${job.files.pages && html`<a class="button secondary" href=${fileUrl(job.id, job.files.pages)} download>pages.jsonl</a>`}
      </div>
      ${job.mode === 'images' && html`<${Gallery} jobId=${job.id} version=${version} />`}
      <${PagesTable} jobId=${job.id} version=${version} />
    </section>`;
}
