import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { listJobs } from './api.js';
import { formatTime, jobTitle } from './format.js';

const REFRESH_MS = 2000;

/** A job's state as a badge (colour and text: the text alone carries the meaning). */
export const StateBadge = ({ state }) => html`<span class=${`badge state-${state}`}>${state}</span>`;

/** The list of jobs, newest first, refreshed every 2 s and whenever `version` changes; a link per job. */
export function JobList({ selected, version }) {
  const [jobs, setJobs] = useState([]);
  const [next, setNext] = useState(null);
  const [more, setMore] = useState([]);
  const [error, setError] = useState(null);
  // Once older jobs are shown, `next` follows them; the refresh only updates the newest page.
  const olderShown = useRef(false);

  useEffect(() => {
    let stopped = false;
    let timer;
    const load = async () => {
      try {
        const page = await listJobs();
        if (stopped) return;
        setJobs(page.jobs);
        if (!olderShown.current) setNext(page.next);
        setError(null);
      } catch (failure) {
        if (!stopped) setError(failure.message);
      }
      if (!stopped) timer = setTimeout(load, REFRESH_MS);
    };
    load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [version]);

  async function loadMore() {
    const page = await listJobs(next);
    olderShown.current = true;
    setMore((earlier) => [...earlier, ...page.jobs]);
    setNext(page.next);
  }

  const shown = [...jobs, ...more.filter((job) => !jobs.some((other) => other.id === job.id))];
  return html`
    <section class="job-list" aria-labelledby="jobs-title">
      <h2 id="jobs-title">Jobs</h2>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${shown.length === 0 && !error && html`<p class="muted">No jobs yet.</p>`}
      <ul>
        ${shown.map((job) => html`
          <li key=${job.id} class=${job.id === selected ? 'selected' : ''}>
            <a href=${`#/jobs/${job.id}`} aria-current=${job.id === selected ? 'page' : undefined}>
              <span class="title">${jobTitle(job)}</span>
              <span class="meta"><span class="mode">${job.mode}</span> <${StateBadge} state=${job.state} /> <time datetime=${job.createdAt}>${formatTime(job.createdAt)}</time></span>
            </a>
          </li>`)}
      </ul>
      ${next && html`<button type="button" class="secondary" onClick=${loadMore}>Older jobs</button>`}
    </section>`;
}
