import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '../helpers/fixtures.js';
import { call, startTestService, waitForState } from '../helpers/service.js';

test('a crawl job runs to done: 202 with the job, then its state, counters, summary, files and records', async ({ site, tmp }) => {
  site.page('/', ['/a', '/b'], { title: 'Home' }).page('/a', ['/c'], { title: 'A' }).page('/b', [], { title: 'B' }).page('/c', [], { title: 'C' });
  const service = await startTestService(tmp);
  try {
    const posted = await call(service.url, 'POST', '/api/crawls', { mode: 'crawl', urls: [site.url('/')], options: { maxDepth: 1, workers: 0 } });
    expect(posted.status).toBe(202);
    expect(posted.headers['location']).toBe(`/api/crawls/${posted.body.id}`);
    expect(posted.body).toMatchObject({ mode: 'crawl', urls: [site.url('/')], options: { maxDepth: 1, workers: 0 }, state: 'queued', summary: null, webhook: null });
    const id = posted.body.id as string;
    await waitForState(service, id);
    const job = await call(service.url, 'GET', `/api/crawls/${id}`);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ id, state: 'done', error: null, counters: { pages: 3, failed: 0, depth: 1 }, files: { pages: 'pages.jsonl', records: 'records.jsonl', log: 'job.log' } });
    expect(job.body.summary).toMatchObject({ pages: 3, stopReason: 'completed' });
    expect(job.body.startedAt <= job.body.endedAt).toBe(true);
    await service.store.flush();
    const stored = JSON.parse(await readFile(join(tmp, id, 'job.json'), 'utf8'));
    expect(stored.state).toBe('done');

    const first = await call(service.url, 'GET', `/api/crawls/${id}/records?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.records).toHaveLength(2);
    const second = await call(service.url, 'GET', `/api/crawls/${id}/records?limit=2&cursor=${first.body.next}`);
    expect(second.body).toMatchObject({ next: null });
    const urls = [...first.body.records, ...second.body.records].map((record: { url: string }) => new URL(record.url).pathname);
    expect(urls.sort()).toEqual(['/', '/a', '/b']);
    const titles = await call(service.url, 'GET', `/api/crawls/${id}/records?kind=records&limit=10`);
    expect(titles.body.records.map((record: { title: string }) => record.title).sort()).toEqual(['A', 'B', 'Home']);

    const file = await call(service.url, 'GET', `/api/crawls/${id}/files/pages.jsonl`);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toContain('application/x-ndjson');
    expect(file.text.trim().split('\n')).toHaveLength(3);
  } finally {
    await service.close();
  }
}, 90_000);

test('GET /api/crawls lists jobs newest first, paged by cursor', async ({ site, tmp }) => {
  site.page('/', []);
  const service = await startTestService(tmp, { maxJobs: 3, maxQueued: 3 });
  try {
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) ids.push((await call(service.url, 'POST', '/api/crawls', { mode: 'crawl', urls: [site.url('/')], options: { workers: 0 } })).body.id);
    await Promise.all(ids.map((id) => waitForState(service, id)));
    const page1 = await call(service.url, 'GET', '/api/crawls?limit=2');
    expect(page1.body.jobs.map((job: { id: string }) => job.id)).toEqual([ids[2], ids[1]]);
    const page2 = await call(service.url, 'GET', `/api/crawls?limit=2&cursor=${page1.body.next}`);
    expect(page2.body).toMatchObject({ next: null });
    expect(page2.body.jobs.map((job: { id: string }) => job.id)).toEqual([ids[0]]);
    expect((await call(service.url, 'GET', '/api/crawls?limit=0')).body).toMatchObject({ field: 'querystring.limit' });
  } finally {
    await service.close();
  }
}, 90_000);

test('an images job saves the images and serves the manifest, the gallery and the image files', async ({ site, tmp }) => {
  const { png } = await import('../helpers/images.js');
  site.page('/', [], { body: '<img src="/big.png" alt="big"><img src="/small.png">' });
  site.route('/big.png', (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png(40, 30, 1)));
  site.route('/small.png', (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png(4, 3, 2)));
  const service = await startTestService(tmp);
  try {
    const posted = await call(service.url, 'POST', '/api/crawls', { mode: 'images', urls: [site.url('/')], options: { minWidth: 10 } });
    expect(posted.status).toBe(202);
    const job = await waitForState(service, posted.body.id);
    expect(job).toMatchObject({ state: 'done', counters: { imagesSaved: 1 }, files: { images: 'images.jsonl', gallery: 'index.html', pages: 'pages.jsonl' } });
    const records = await call(service.url, 'GET', `/api/crawls/${job.id}/records`);
    const saved = records.body.records.find((record: { file?: string }) => record.file);
    expect(records.body.records).toHaveLength(2);
    const image = await call(service.url, 'GET', `/api/crawls/${job.id}/files/${saved.file}`);
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['content-security-policy']).toContain('sandbox');
    const gallery = await call(service.url, 'GET', `/api/crawls/${job.id}/files/index.html`);
    expect(gallery.headers['content-type']).toContain('text/html');
  } finally {
    await service.close();
  }
}, 90_000);

test('an audit job writes the report and pages through its findings', async ({ site, tmp }) => {
  site.page('/', ['/missing', '/ok'], { title: 'A home page title' }).page('/ok', [], { title: 'An ok page title' }).status('/missing', 404);
  const service = await startTestService(tmp);
  try {
    const posted = await call(service.url, 'POST', '/api/crawls', { mode: 'audit', urls: [site.url('/')], options: { failOn: 'none', titleMin: 0 } });
    expect(posted.status).toBe(202);
    const job = await waitForState(service, posted.body.id);
    expect(job).toMatchObject({ state: 'done', files: { report: 'report.html', audit: 'audit.json', pages: 'pages.jsonl' } });
    expect(job.summary).toMatchObject({ audit: { broken: 1 } });
    const findings = await call(service.url, 'GET', `/api/crawls/${job.id}/records`);
    expect(findings.body.records[0]).toMatchObject({ kind: 'brokenLinks', url: site.url('/missing'), status: 404 });
    expect(findings.body.records.filter((record: { kind: string }) => record.kind === 'brokenLinks')).toHaveLength(1);
    expect(findings.body.next).toBeNull();
    expect((await call(service.url, 'GET', `/api/crawls/${job.id}/files/report.html`)).status).toBe(200);
  } finally {
    await service.close();
  }
}, 90_000);

test('GET / serves the web page, and unknown routes and jobs answer 404 in JSON', async ({ tmp }) => {
  const service = await startTestService(tmp);
  try {
    const page = await call(service.url, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect((await call(service.url, 'GET', '/api/nothing')).body).toMatchObject({ statusCode: 404, code: 'not-found' });
    expect((await call(service.url, 'GET', '/api/crawls/000000000deadbeef')).body).toMatchObject({ statusCode: 404, code: 'job-not-found' });
    expect((await call(service.url, 'DELETE', '/api/crawls/000000000deadbeef')).status).toBe(404);
    expect((await call(service.url, 'POST', '/api/crawls/000000000deadbeef/resume')).status).toBe(404);
    expect((await call(service.url, 'GET', '/api/crawls/not-an-id')).body).toMatchObject({ statusCode: 400, field: 'params.id' });
  } finally {
    await service.close();
  }
}, 90_000);
