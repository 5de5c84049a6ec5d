import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { JobForm } from './job-form.js';
import { JobList } from './job-list.js';
import { JobView } from './job-view.js';

// The selected job lives in the address (#/jobs/<id>), so a job view can be bookmarked, shared and reloaded.
const selectedJob = () => /^#\/jobs\/([0-9a-z]+)$/.exec(location.hash)?.[1] ?? null;

function App() {
  const [selected, setSelected] = useState(selectedJob());
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const follow = () => setSelected(selectedJob());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  const changed = () => setVersion((value) => value + 1);
  return html`
    <header class="top">
      <h1><a href="#/">sitecrawl</a></h1>
      <p class="muted">Crawl a site, save its images, or audit its links.</p>
    </header>
    <div class="layout">
      <aside>
        <${JobForm} onSubmitted=${(job) => {
          changed();
          location.hash = `#/jobs/${job.id}`;
        }} />
        <${JobList} selected=${selected} version=${version} />
      </aside>
      <main id="main">
        ${selected ? html`<${JobView} key=${selected} id=${selected} onChanged=${changed} />` : html`<section class="job-view empty"><p class="muted">Start a job, or pick one from the list.</p></section>`}
      </main>
    </div>`;
}

render(html`<${App} />`, document.getElementById('app'));
