/**
 * HTTP cache benchmark (`npm run build && node --import tsx bench/http-cache.ts [--runs 3] [--root DIR]`): crawls the
 * PostgreSQL 15 HTML docs (Debian's postgresql-doc-15) served by nginx in these ways, `--runs` times each, alternating:
 *
 * - **no cache**: no `cache` option, for reference;
 * - **first**: an empty cache (every page fetched and stored);
 * - **revalidate**: the same crawl again on that cache, `cache.mode: 'revalidate'`;
 * - **prefer-cache**: again on a cache filled by a `prefer-cache` first crawl, `cache.mode: 'prefer-cache'`.
 *
 * nginx (nginx-light) runs in the foreground on a free loopback port with a temporary config, and logs the status of
 * every request, so each crawl's requests are counted from nginx's side. It serves the files with their ETag and
 * Last-Modified; the main server also sends `Cache-Control: no-cache` (the pages must be revalidated before reuse),
 * and a second server without it shows RFC 9111's heuristic freshness (10% of the time since Last-Modified) at work.
 * Prints one JSON line on stdout and a summary on stderr. Not a test: nothing here asserts on speed.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Crawler, LinkExtractor, TitleExtractor } from 'sitecrawl';
import type { CacheMode } from 'sitecrawl';
import { median, positiveInt, round } from './harness.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, root: { type: 'string', default: '/usr/share/doc/postgresql-doc-15/html' } } });
const runs = positiveInt('--runs', values.runs);
const root = values.root;
if (!existsSync(path.join(root, 'index.html'))) throw new Error(`${root}/index.html not found: install postgresql-doc-15`);

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

const work = await mkdtemp(path.join(os.tmpdir(), 'sitecrawl-cache-bench-'));
const [port, plainPort] = [await freePort(), await freePort()];
const accessLog = path.join(work, 'access.log');
const server = (listen: number, extra: string) => `
  server {
    listen 127.0.0.1:${listen};
    root ${root};
    ${extra}
  }`;
await writeFile(
  path.join(work, 'nginx.conf'),
  `daemon off;
worker_processes 1;
pid ${work}/nginx.pid;
error_log ${work}/error.log;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  log_format status '$server_port $status';
  access_log ${accessLog} status;
  client_body_temp_path ${work}/body;
  proxy_temp_path ${work}/proxy;
  fastcgi_temp_path ${work}/fastcgi;
  uwsgi_temp_path ${work}/uwsgi;
  scgi_temp_path ${work}/scgi;
  keepalive_requests 100000;
  ${server(port, 'add_header Cache-Control "no-cache";')}
  ${server(plainPort, '')}
}
`,
);
const nginx = spawn('/usr/sbin/nginx', ['-p', work, '-c', path.join(work, 'nginx.conf')], { stdio: ['ignore', 'inherit', 'inherit'] });
for (let tries = 0; ; tries++) {
  try {
    await fetch(`http://127.0.0.1:${port}/index.html`, { method: 'HEAD' });
    break;
  } catch (error) {
    if (tries > 100) throw error;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let logOffset = (await readFile(accessLog, 'utf8')).length;
/** The statuses nginx logged since the last call, counted. */
async function statuses(): Promise<Record<string, number>> {
  const text = await readFile(accessLog, 'utf8');
  const lines = text.slice(logOffset).trim().split('\n').filter(Boolean);
  logOffset = text.length;
  const counts: Record<string, number> = {};
  for (const line of lines) {
    const status = line.split(' ')[1] ?? '?';
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

interface Run {
  phase: string;
  pages: number;
  pagesPerSecond: number;
  /** The crawler's CPU (user + system) per page, in ms: steadier than pages/s on a shared machine. */
  cpuMsPerPage: number;
  cachedPages: number;
  requests: Record<string, number>;
}

async function crawl(phase: string, listen: number, cache: { dir: string; mode: CacheMode } | undefined): Promise<Run> {
  let cachedPages = 0;
  const crawler = new Crawler({
    startUrls: [`http://127.0.0.1:${listen}/index.html`],
    maxDepth: 100,
    concurrency: 16,
    perHost: 16,
    logLevel: 'silent',
    extractors: [new LinkExtractor(), new TitleExtractor()],
    ...(cache ? { cache } : {}),
    pages: { write: (record) => void (record.cached && cachedPages++), close() {} },
  });
  const cpu = process.cpuUsage();
  const summary = await crawler.run();
  const used = process.cpuUsage(cpu);
  const cpuMsPerPage = round((used.user + used.system) / 1000 / Math.max(1, summary.pages), 2);
  return { phase, pages: summary.pages, pagesPerSecond: round(summary.pagesPerSecond, 1), cpuMsPerPage, cachedPages, requests: await statuses() };
}

const all: Run[] = [];
try {
  for (let run = 0; run < runs; run++) {
    const revalidating = { dir: path.join(work, `revalidate-${run}`), mode: 'revalidate' as const };
    const preferring = { dir: path.join(work, `prefer-${run}`), mode: 'prefer-cache' as const };
    const heuristic = { dir: path.join(work, `heuristic-${run}`), mode: 'revalidate' as const };
    all.push(await crawl('no cache', port, undefined));
    all.push(await crawl('first', port, revalidating));
    all.push(await crawl('revalidate', port, revalidating));
    all.push(await crawl('first (prefer-cache)', port, preferring));
    all.push(await crawl('prefer-cache', port, preferring));
    all.push(await crawl('first (no Cache-Control)', plainPort, heuristic));
    all.push(await crawl('revalidate (no Cache-Control)', plainPort, heuristic));
    process.stderr.write(`run ${run + 1}/${runs} done\n`);
  }
} finally {
  nginx.kill('SIGQUIT');
  await once(nginx, 'exit');
  await rm(work, { recursive: true, force: true });
}

const phases = [...new Set(all.map((run) => run.phase))];
const first = median(all.filter((run) => run.phase === 'first').map((run) => run.pagesPerSecond));
const result = {
  node: process.version,
  cpus: os.availableParallelism(),
  loadAverage: os.loadavg().map((load) => round(load, 1)),
  root,
  phases: phases.map((phase) => {
    const runsOf = all.filter((run) => run.phase === phase);
    const pagesPerSecond = median(runsOf.map((run) => run.pagesPerSecond));
    return { phase, pages: runsOf[0]?.pages, pagesPerSecond, vsFirst: round(pagesPerSecond / first, 2), runs: runsOf.map((run) => run.pagesPerSecond), cpuMsPerPage: median(runsOf.map((run) => run.cpuMsPerPage)), cachedPages: runsOf.map((run) => run.cachedPages), requests: runsOf.map((run) => run.requests) };
  }),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
for (const phase of result.phases)
  process.stderr.write(`${phase.phase.padEnd(30)} ${String(phase.pages).padStart(5)} pages  ${String(phase.pagesPerSecond).padStart(7)} pages/s (${phase.runs.join(', ')})  x${phase.vsFirst}  ${phase.cpuMsPerPage} CPU ms/page  requests ${JSON.stringify(phase.requests[0])}\n`);
