import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { expect, test } from '../helpers/fixtures.js';
import { startNode } from '../helpers/run-process.js';
import type { RunningProcess } from '../helpers/run-process.js';
import { call, chainSite } from '../helpers/service.js';
import { CrawlStateDb } from '../../src/storage/sqlite/crawl-state-db.js';

/** Starts the built CLI's `serve` on port 0 and resolves with its base URL once it listens. */
async function startServe(dataDir: string, extra: string[] = []): Promise<{ process: RunningProcess; url: string }> {
  const process = startNode(['dist/cli/main.js', 'serve', '--port', '0', '--data', dataDir, '--allow-private', '--log-level', 'warn', '--job-nice', '0', ...extra]);
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    process.child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (match) resolve(match[1]!);
    });
    process.child.on('close', () => reject(new Error(`serve exited: ${text}`)));
  });
  return { process, url };
}

/** Resolves once the job's event stream reports at least `pages` pages (or its end). */
function progressReaches(base: string, id: string, pages: number): Promise<void> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: `/api/crawls/${id}/events` }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        for (const match of text.matchAll(/event: (progress|end)\ndata: (.*)\n/g)) {
          const data = JSON.parse(match[2]!);
          if (match[1] === 'end' || (data.counters ?? data).pages >= pages) {
            req.destroy();
            resolve();
          }
        }
      });
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end();
  });
}

const pathsOf = async (file: string) => (await readFile(file, 'utf8')).trim().split('\n').map((line) => new URL(JSON.parse(line).url).pathname);

test('SIGTERM stops running jobs cleanly (outputs flushed, marked interrupted); a restart lists every job again and resumes', async ({ site, tmp }) => {
  chainSite(site, 20, 30);
  site.page('/quick', []);
  const first = await startServe(tmp);
  const quick = await call(first.url, 'POST', '/api/crawls', { mode: 'crawl', urls: [site.url('/quick')], options: { workers: 0 } });
  await progressReaches(first.url, quick.body.id, 1_000_000);
  const slow = await call(first.url, 'POST', '/api/crawls', { mode: 'crawl', urls: [site.url('/')], options: { maxDepth: 40, workers: 0, concurrency: 2 } });
  const id = slow.body.id as string;
  await progressReaches(first.url, id, 4);
  first.process.child.kill('SIGTERM');
  const exit = await first.process.result;
  expect(exit.code).toBe(0);
  expect(exit.stderr).toContain('stopped');

  const stored = JSON.parse(await readFile(join(tmp, id, 'job.json'), 'utf8'));
  expect(stored).toMatchObject({ state: 'interrupted', summary: { stopReason: 'aborted' } });
  const flushed = await pathsOf(join(tmp, id, 'pages.jsonl'));
  expect(flushed.length).toBeGreaterThanOrEqual(4);
  const db = CrawlStateDb.open(join(tmp, id, 'state.db'));
  expect(db.run.get()?.status).toBe('interrupted');
  db.close();

  const second = await startServe(tmp);
  try {
    const list = await call(second.url, 'GET', '/api/crawls');
    expect(list.body.jobs.map((job: { id: string; state: string }) => [job.id, job.state])).toEqual([[id, 'interrupted'], [quick.body.id, 'done']]);
    expect((await call(second.url, 'POST', `/api/crawls/${id}/resume`)).status).toBe(202);
    await progressReaches(second.url, id, 1_000_000);
    const job = await call(second.url, 'GET', `/api/crawls/${id}`);
    expect(job.body).toMatchObject({ state: 'done', counters: { pages: 39 } });
    const pages = await pathsOf(join(tmp, id, 'pages.jsonl'));
    expect(new Set(pages).size).toBe(39);
    expect(pages).toHaveLength(39);
  } finally {
    second.process.child.kill('SIGTERM');
    await second.process.result;
  }
}, 120_000);

test('a server killed with SIGKILL leaves its running job marked interrupted at the next start', async ({ site, tmp }) => {
  chainSite(site, 10, 100);
  const first = await startServe(tmp);
  const slow = await call(first.url, 'POST', '/api/crawls', { mode: 'crawl', urls: [site.url('/')], options: { maxDepth: 40, workers: 0 } });
  await progressReaches(first.url, slow.body.id, 2);
  first.process.child.kill('SIGKILL');
  await first.process.result;
  const second = await startServe(tmp);
  try {
    const job = await call(second.url, 'GET', `/api/crawls/${slow.body.id}`);
    expect(job.body).toMatchObject({ state: 'interrupted', error: { code: 'interrupted' } });
  } finally {
    second.process.child.kill('SIGTERM');
    await second.process.result;
  }
}, 60_000);
