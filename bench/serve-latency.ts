/**
 * API latency of `sitecrawl serve` while a large crawl runs (issue 12): the p99 of `GET /api/crawls/:id` during a
 * crawl of the generated site, against the same requests to an idle server measured in the same run.
 *
 *   npm run build && node --import tsx bench/serve-latency.ts [--pages 20000] [--runs 3] [--interval-ms 10]
 *
 * The site server and `sitecrawl serve` (the built CLI, its job in a child process as always) each run in their own
 * process; this script is only the client: one request at a time, one every `--interval-ms`, timing each answer.
 * Prints a readable summary and one JSON line.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, positiveInt, readPort, round } from './harness.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH_DIR);

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '3' },
    'interval-ms': { type: 'string', default: '10' },
    'idle-requests': { type: 'string', default: '1000' },
  },
});
const pages = positiveInt('pages', values.pages);
const runs = positiveInt('runs', values.runs);
const intervalMs = positiveInt('interval-ms', values['interval-ms'], 0);
const idleRequests = positiveInt('idle-requests', values['idle-requests']);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { requests: sorted.length, p50: round(percentile(sorted, 50), 2), p99: round(percentile(sorted, 99), 2), max: round(sorted.at(-1) ?? Number.NaN, 2) };
}

async function timedGet(url: string): Promise<{ ms: number; body: { state: string; summary: { pages: number; elapsedMs: number } | null } }> {
  const started = performance.now();
  const answer = await fetch(url);
  const body = (await answer.json()) as { state: string; summary: { pages: number; elapsedMs: number } | null };
  return { ms: performance.now() - started, body };
}

async function startServe(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/cli/main.js'), 'serve', '--port', '0', '--data', dataDir, '--allow-private', '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening on (http:\/\/[^ ]+)/.exec(text);
      if (match) resolve(match[1] as string);
    });
    child.on('exit', () => reject(new Error(`serve exited: ${text}`)));
  });
  return { child, url };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const site = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'site-server.ts'), '--pages', String(pages), '--seed', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
const results: Array<{ idle: ReturnType<typeof stats>; busy: ReturnType<typeof stats>; pagesCrawled: number; pagesPerSecond: number }> = [];
try {
  const origin = `http://127.0.0.1:${await readPort(site)}`;
  for (let run = 1; run <= runs; run++) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sitecrawl-serve-bench-'));
    const serve = await startServe(dataDir);
    try {
      // Idle: the same request to a server with one finished job in its store and nothing running.
      const warm = await fetch(`${serve.url}/api/crawls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'crawl', urls: [`${origin}/`], options: { maxDepth: 0 } }) });
      const warmId = ((await warm.json()) as { id: string }).id;
      while ((await timedGet(`${serve.url}/api/crawls/${warmId}`)).body.state !== 'done') await sleep(50);
      const idle: number[] = [];
      for (let n = 0; n < idleRequests; n++) {
        idle.push((await timedGet(`${serve.url}/api/crawls/${warmId}`)).ms);
        await sleep(intervalMs);
      }
      const posted = await fetch(`${serve.url}/api/crawls`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mode: 'crawl', urls: [`${origin}/`], options: { maxDepth: 1000, maxPages: pages, concurrency: 16, perHost: 16 } }),
      });
      const id = ((await posted.json()) as { id: string }).id;
      const busy: number[] = [];
      let last = await timedGet(`${serve.url}/api/crawls/${id}`);
      while (last.body.state === 'queued' || last.body.state === 'running') {
        if (last.body.state === 'running') busy.push(last.ms);
        await sleep(intervalMs);
        last = await timedGet(`${serve.url}/api/crawls/${id}`);
      }
      const summary = last.body.summary;
      const result = { idle: stats(idle), busy: stats(busy), pagesCrawled: summary?.pages ?? 0, pagesPerSecond: summary ? round(summary.pages / (summary.elapsedMs / 1000), 1) : 0 };
      results.push(result);
      process.stderr.write(`run ${run}: ${last.body.state}, ${result.pagesCrawled} pages at ${result.pagesPerSecond}/s; GET /api/crawls/:id idle p50 ${result.idle.p50} ms p99 ${result.idle.p99} ms; during the crawl p50 ${result.busy.p50} ms p99 ${result.busy.p99} ms max ${result.busy.max} ms (${result.busy.requests} requests)\n`);
    } finally {
      await stop(serve.child);
      await rm(dataDir, { recursive: true, force: true });
    }
  }
} finally {
  site.kill();
}
const summary = {
  bench: 'serve-latency', pages, runs, intervalMs, node: process.version, cpus: os.availableParallelism(),
  busyP99Ms: round(median(results.map((result) => result.busy.p99)), 2), busyP50Ms: round(median(results.map((result) => result.busy.p50)), 2),
  idleP99Ms: round(median(results.map((result) => result.idle.p99)), 2), idleP50Ms: round(median(results.map((result) => result.idle.p50)), 2),
  pagesPerSecond: median(results.map((result) => result.pagesPerSecond)), results,
};
process.stderr.write(`median over ${runs} runs: p99 ${summary.busyP99Ms} ms during the crawl (idle ${summary.idleP99Ms} ms), ${summary.pagesPerSecond} pages/s\n`);
console.log(JSON.stringify(summary));
