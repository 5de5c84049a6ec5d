import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { expect, test } from '../helpers/fixtures.js';
import { call, chainSite, startTestService, waitForPages, waitForState } from '../helpers/service.js';

interface SseEvent {
  event: string;
  data: any;
}

/** Reads a job's event stream until it closes. */
function readEvents(base: string, id: string): Promise<SseEvent[]> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    httpRequest({ host: url.hostname, port: url.port, path: `/api/crawls/${id}/events` }, (res) => {
      expect(res.headers['content-type']).toContain('text/event-stream');
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        const events = text.split('\n\n').filter((block) => block.startsWith('event:')).map((block) => {
          const [eventLine, dataLine] = block.split('\n');
          return { event: eventLine!.slice('event: '.length), data: JSON.parse(dataLine!.slice('data: '.length)) };
        });
        resolve(events);
      });
    }).on('error', reject).end();
  });
}

test('the event stream sends the state first, then progress as pages arrive, then the end with the summary', async ({ site, tmp }) => {
  chainSite(site, 8, 60);
  const service = await startTestService(tmp);
  try {
    const posted = await call(service.url, 'POST', '/api/crawls', { mode: 'crawl', urls: [site.url('/')], options: { maxDepth: 10, workers: 0 } });
    const events = await readEvents(service.url, posted.body.id);
    expect(events[0]).toMatchObject({ event: 'state', data: { id: posted.body.id } });
    const progress = events.filter((event) => event.event === 'progress').map((event) => event.data.pages);
    expect(progress.some((pages) => pages > 0 && pages < 15)).toBe(true);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(Object.keys(events.find((event) => event.event === 'progress')!.data).sort()).toEqual(['depth', 'errors', 'failed', 'imagesSaved', 'pages', 'pagesPerSecond', 'queued']);
    expect(events.filter((event) => event.event === 'state').map((event) => event.data.state)).toContain('running');
    const end = events.at(-1)!;
    expect(end).toMatchObject({ event: 'end', data: { event: 'job.ended', state: 'done', counters: { pages: 15 }, summary: { pages: 15 } } });
    // A late subscriber gets the current state, then the end at once.
    const late = await readEvents(service.url, posted.body.id);
    expect(late.map((event) => event.event)).toEqual(['state', 'progress', 'end']);
    expect(late[1]!.data).toMatchObject({ pages: 15 });
  } finally {
    await service.close();
  }
}, 90_000);

test('a webhook that fails twice is tried again with exponential backoff, signed, and every attempt is in the job', async ({ site, tmp }) => {
  site.page('/', []);
  const hits: Array<{ at: number; body: string; signature: string | undefined; attempt: string | undefined }> = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      hits.push({ at: performance.now(), body, signature: req.headers['x-sitecrawl-signature'] as string | undefined, attempt: req.headers['x-sitecrawl-attempt'] as string | undefined });
      res.writeHead(hits.length <= 2 ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const secret = 'webhook-secret';
  const backoff = 150;
  const service = await startTestService(tmp, { webhookSecret: secret, webhookBackoffMs: backoff });
  try {
    const posted = await call(service.url, 'POST', '/api/crawls', { mode: 'crawl', urls: [site.url('/')], options: { workers: 0 }, webhook: hook });
    expect(posted.body.webhook).toEqual({ url: hook, attempts: [] });
    await waitForState(service, posted.body.id);
    await service.queue.idle();
    expect(hits.map((hit) => hit.attempt)).toEqual(['1', '2', '3']);
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(backoff - 5);
    expect(hits[2]!.at - hits[1]!.at).toBeGreaterThanOrEqual(2 * backoff - 5);
    for (const hit of hits) expect(hit.signature).toBe(`sha256=${createHmac('sha256', secret).update(hit.body).digest('hex')}`);
    const payload = JSON.parse(hits[2]!.body);
    expect(payload).toMatchObject({ event: 'job.ended', id: posted.body.id, state: 'done', summary: { pages: 1 } });
    expect(payload.webhook).toBeUndefined();
    const job = await call(service.url, 'GET', `/api/crawls/${posted.body.id}`);
    expect(job.body.webhook.attempts).toEqual([
      { at: expect.any(String), status: 500, error: 'HTTP 500' },
      { at: expect.any(String), status: 500, error: 'HTTP 500' },
      { at: expect.any(String), status: 204, error: null },
    ]);
  } finally {
    await service.close();
    await new Promise((resolve) => receiver.close(resolve));
  }
}, 90_000);

test('--max-jobs 1: a second job waits in the queue until the first ends, a full queue answers 429, and a queued job cancels at once', async ({ site, tmp }) => {
  chainSite(site, 5, 40);
  const service = await startTestService(tmp, { maxJobs: 1, maxQueued: 2 });
  try {
    const body = { mode: 'crawl', urls: [site.url('/')], options: { maxDepth: 10, workers: 0 } };
    const first = await call(service.url, 'POST', '/api/crawls', body);
    await waitForState(service, first.body.id, ['running']);
    const second = await call(service.url, 'POST', '/api/crawls', body);
    const third = await call(service.url, 'POST', '/api/crawls', body);
    expect((await call(service.url, 'POST', '/api/crawls', body)).body).toMatchObject({ statusCode: 429, code: 'queue-full' });
    expect((await call(service.url, 'GET', `/api/crawls/${second.body.id}`)).body.state).toBe('queued');
    const cancelled = await call(service.url, 'DELETE', `/api/crawls/${third.body.id}`);
    expect(cancelled.body).toMatchObject({ state: 'cancelled', startedAt: null });
    const a = await waitForState(service, first.body.id);
    const b = await waitForState(service, second.body.id);
    expect([a.state, b.state]).toEqual(['done', 'done']);
    expect(b.startedAt! >= a.endedAt!).toBe(true);
    expect(site.hits('/')).toBe(2);
  } finally {
    await service.close();
  }
}, 90_000);

test('DELETE stops a running job and keeps what it fetched; resume continues it without fetching those pages again', async ({ site, tmp }) => {
  chainSite(site, 20, 30);
  const service = await startTestService(tmp);
  try {
    const posted = await call(service.url, 'POST', '/api/crawls', { mode: 'crawl', urls: [site.url('/')], options: { maxDepth: 30, workers: 0, concurrency: 2 } });
    const id = posted.body.id as string;
    await waitForPages(service, id, 6);
    const cancelled = await call(service.url, 'DELETE', `/api/crawls/${id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ state: 'cancelled', summary: { stopReason: 'aborted' } });
    const kept = (await readFile(join(tmp, id, 'pages.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(kept.length).toBeGreaterThanOrEqual(6);
    expect(kept.length).toBeLessThan(39);
    expect((await call(service.url, 'DELETE', `/api/crawls/${id}`)).body).toMatchObject({ statusCode: 409, code: 'job-ended' });

    const resumed = await call(service.url, 'POST', `/api/crawls/${id}/resume`);
    expect(resumed.status).toBe(202);
    expect(resumed.body).toMatchObject({ state: 'queued', resumes: 1, summary: null });
    const done = await waitForState(service, id);
    expect(done).toMatchObject({ state: 'done', counters: { pages: 39 } });
    const pages = (await readFile(join(tmp, id, 'pages.jsonl'), 'utf8')).trim().split('\n').map((line) => new URL(JSON.parse(line).url).pathname);
    expect(new Set(pages).size).toBe(39);
    expect(pages).toHaveLength(39);
    const twice = site.requests.map((request) => request.path).filter((path, index, all) => all.indexOf(path) !== index && path !== '/robots.txt');
    expect(twice.length).toBeLessThanOrEqual(2);
    expect((await call(service.url, 'POST', `/api/crawls/${id}/resume`)).body).toMatchObject({ statusCode: 409, code: 'not-resumable' });
  } finally {
    await service.close();
  }
}, 90_000);

test('a job process that crashes fails its job alone: the server answers and runs the next job', async ({ site, tmp }) => {
  chainSite(site, 10, 50);
  site.page('/next', []);
  const service = await startTestService(tmp);
  try {
    const posted = await call(service.url, 'POST', '/api/crawls', { mode: 'crawl', urls: [site.url('/')], options: { maxDepth: 20, workers: 0 } });
    await waitForPages(service, posted.body.id, 1);
    process.kill(service.queue.processId(posted.body.id)!, 'SIGKILL');
    const crashed = await waitForState(service, posted.body.id);
    expect(crashed).toMatchObject({ state: 'failed', error: { code: 'job-crashed', message: expect.stringContaining('SIGKILL') } });
    const next = await call(service.url, 'POST', '/api/crawls', { mode: 'crawl', urls: [site.url('/next')], options: { workers: 0 } });
    expect(next.status).toBe(202);
    expect(await waitForState(service, next.body.id)).toMatchObject({ state: 'done', counters: { pages: 1 } });
  } finally {
    await service.close();
  }
}, 90_000);
