/**
 * Fixed costs of a whole `sitecrawl crawl` process, as a user feels them
 * (`node --import tsx bench/startup.ts [--pages 200] [--runs 5] [--engines sitecrawl,minimal]`).
 *
 * Serves a tiny site from this process (node:http on 127.0.0.1: `robots.txt` and `--pages` pages of about 1 KB, each
 * linking to its 5 children, so the levels are small), then spawns each crawler `--runs` times, alternating, and
 * records on the server's clock:
 * - **to first request**: from `spawn()` to the first request the server sees (Node's own start-up included), which
 *   for sitecrawl is robots.txt;
 * - **to first page**: from `spawn()` to the first request for a page (the seed, `/`), what the user waits for;
 * - **last response to exit**: from the last response the server finished sending to the child's `exit` event;
 * - **wall**: from `spawn()` to `exit`;
 * - the child's **main thread CPU** until the first request, and its time **waiting for a CPU** (Linux schedstat): on a
 *   shared machine most of the wall time to the first request is waiting, and the CPU part is what an idle one takes.
 * sitecrawl runs as users run it (`node dist/cli/main.js crawl URL -o TMP -q -d 100`); `minimal` is
 * `bench/minimal-crawl.ts` through the compiled `crawl-once.js --engine minimal`. Medians on stderr, one JSON line on
 * stdout. Run `npm run build` first. An engine `NAME=DIR` runs the CLI built in another checkout (DIR/dist/cli/main.js),
 * so two builds can be compared in one invocation (`--engines sitecrawl,before=/path/to/other/checkout`).
 *
 * The engine `node` is the floor: a bare `node -e` that GETs `/` with node:http and exits, so Node's own start-up on
 * this machine is measured in the same invocation (the summary's `node + N ms`: what each engine adds to it).
 * `NODE_EXTRA_CA_CERTS` makes every Node process parse that CA bundle before any of its code runs (about 100 ms here,
 * where the sandbox sets it); `--without-extra-ca-certs` runs every engine without it, as on a machine that does not
 * set it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCrawlRunner, median, positiveInt, round } from './harness.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH_DIR);

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '200' },
    runs: { type: 'string', default: '5' },
    engines: { type: 'string', default: 'sitecrawl,minimal' },
    concurrency: { type: 'string', default: '4' },
    'node-arg': { type: 'string', multiple: true, default: [] },
    'without-extra-ca-certs': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('node --import tsx bench/startup.ts [--pages 200] [--runs 5] [--engines sitecrawl,minimal,node,NAME=DIR] ' +
    '[--concurrency 4] [--node-arg ARG ...] [--without-extra-ca-certs]');
  process.exit(0);
}
const childEnv = { ...process.env };
if (values['without-extra-ca-certs']) delete childEnv['NODE_EXTRA_CA_CERTS'];
if (childEnv['NODE_EXTRA_CA_CERTS'] !== undefined)
  console.error(`NODE_EXTRA_CA_CERTS is set (${childEnv['NODE_EXTRA_CA_CERTS']}): every Node process parses it before it starts; --without-extra-ca-certs leaves it out`);
const pages = positiveInt('pages', values.pages);
const runs = positiveInt('runs', values.runs);
const concurrency = positiveInt('concurrency', values.concurrency);
const engines = values.engines.split(',');

/** One run's times, in ms on this process's clock. */
interface StartupRun {
  engine: string;
  toFirstRequestMs: number;
  /** To the first request for a page (the seed), robots.txt before it not counted. */
  toFirstPageMs: number;
  /** The child's main thread CPU time until the first page request. */
  mainThreadCpuToFirstPageMs: number;
  /** The child's main thread: CPU time, and time runnable but waiting for a CPU, until the first request (schedstat). */
  mainThreadCpuToFirstRequestMs: number;
  mainThreadWaitToFirstRequestMs: number;
  lastResponseToExitMs: number;
  wallMs: number;
  requests: number;
}

function pageHtml(index: number): string {
  const children = Array.from({ length: 5 }, (_, n) => index * 5 + n + 1).filter((child) => child < pages);
  const links = children.map((child) => `<li><a href="/p/${child}.html">Page ${child}</a></li>`).join('\n');
  return `<!doctype html><html><head><title>Page ${index}</title></head><body><h1>Page ${index}</h1>` +
    `<p>${'Some text. '.repeat(40)}</p><ul>\n${links}\n</ul><a href="/">Home</a></body></html>`;
}

let firstRequestAt: number | undefined;
let firstPageAt: number | undefined;
let childPid: number | undefined;
let firstRequestSched: { cpuMs: number; waitMs: number } | undefined;
let firstPageSched: { cpuMs: number; waitMs: number } | undefined;

/**
 * The child's main thread so far, from /proc/PID/schedstat (Linux): ms it ran on a CPU, and ms it waited for one while
 * runnable. On a shared machine the wall time to the first request is mostly waiting; the CPU part is what an idle
 * machine would take (plus I/O waits, which are small here).
 */
function schedOf(pid: number | undefined): { cpuMs: number; waitMs: number } | undefined {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    return { cpuMs: round((run ?? 0) / 1e6, 1), waitMs: round((wait ?? 0) / 1e6, 1) };
  } catch {
    return undefined;
  }
}
let lastResponseAt = 0;
let requests = 0;
const server = createServer((request, response) => {
  const now = performance.now();
  if (firstRequestAt === undefined) firstRequestSched = schedOf(childPid);
  firstRequestAt ??= now;
  requests++;
  const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
  const match = /^\/p\/(\d+)\.html$/.exec(pathname);
  const index = pathname === '/' ? 0 : match ? Number(match[1]) : -1;
  if (pathname !== '/robots.txt' && firstPageAt === undefined) {
    firstPageAt = now;
    firstPageSched = schedOf(childPid);
  }
  if (pathname === '/robots.txt') response.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
  else if (index >= 0 && index < pages) response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pageHtml(index));
  else response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  response.once('finish', () => (lastResponseAt = performance.now()));
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const crawlRunner = engines.includes('minimal') ? buildCrawlRunner() : undefined;

async function runOnce(engine: string): Promise<StartupRun> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'sitecrawl-startup-'));
  const nodeArgs = values['node-arg'];
  // `name=DIR` runs the CLI of another checkout's build (DIR/dist), to compare builds in one invocation.
  const root = engine.includes('=') ? path.resolve(engine.slice(engine.indexOf('=') + 1)) : ROOT;
  const args =
    engine === 'node'
      ? [...nodeArgs, '-e', `require('node:http').get(${JSON.stringify(`${origin}/`)}, (response) => response.resume())`]
      : engine === 'minimal'
      ? [...nodeArgs, crawlRunner as string, '--engine', 'minimal', '--url', `${origin}/`, '--concurrency', String(concurrency)]
      : [...nodeArgs, path.join(root, 'dist', 'cli', 'main.js'), 'crawl', `${origin}/`, '-o', outDir, '-q', '-d', '100',
        '-c', String(concurrency), '--per-host', String(concurrency)];
  firstRequestAt = undefined;
  firstPageAt = undefined;
  requests = 0;
  const started = performance.now();
  firstRequestSched = undefined;
  firstPageSched = undefined;
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: childEnv });
  childPid = child.pid;
  const [code] = (await once(child, 'exit')) as [number | null];
  const exitedAt = performance.now();
  // Set by the server's handler, which TypeScript cannot see run during the await above.
  const sched = firstRequestSched as { cpuMs: number; waitMs: number } | undefined;
  const pageSched = firstPageSched as { cpuMs: number; waitMs: number } | undefined;
  await rm(outDir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`${engine} exited with ${code}`);
  return {
    engine,
    toFirstRequestMs: round((firstRequestAt ?? exitedAt) - started, 1),
    toFirstPageMs: round((firstPageAt ?? exitedAt) - started, 1),
    mainThreadCpuToFirstPageMs: pageSched?.cpuMs ?? NaN,
    mainThreadCpuToFirstRequestMs: sched?.cpuMs ?? NaN,
    mainThreadWaitToFirstRequestMs: sched?.waitMs ?? NaN,
    lastResponseToExitMs: round(exitedAt - lastResponseAt, 1),
    wallMs: round(exitedAt - started, 1),
    requests,
  };
}

const records: StartupRun[] = [];
for (let run = 1; run <= runs; run++) {
  for (const engine of engines) {
    const record = await runOnce(engine);
    records.push(record);
    console.error(`run ${run} ${engine.padEnd(9)} first request ${record.toFirstRequestMs} ms (main thread: ${record.mainThreadCpuToFirstRequestMs} ms on CPU, ` +
      `${record.mainThreadWaitToFirstRequestMs} ms waiting for one), first page ${record.toFirstPageMs} ms (${record.mainThreadCpuToFirstPageMs} ms on CPU), last response to exit ` +
      `${record.lastResponseToExitMs} ms, wall ${record.wallMs} ms, ${record.requests} requests`);
  }
}
server.close();
const summary = engines.map((engine) => {
  const own = records.filter((record) => record.engine === engine);
  return {
    engine,
    toFirstRequestMs: round(median(own.map((record) => record.toFirstRequestMs)), 1),
    toFirstPageMs: round(median(own.map((record) => record.toFirstPageMs)), 1),
    mainThreadCpuToFirstPageMs: round(median(own.map((record) => record.mainThreadCpuToFirstPageMs)), 1),
    mainThreadCpuToFirstRequestMs: round(median(own.map((record) => record.mainThreadCpuToFirstRequestMs)), 1),
    mainThreadWaitToFirstRequestMs: round(median(own.map((record) => record.mainThreadWaitToFirstRequestMs)), 1),
    lastResponseToExitMs: round(median(own.map((record) => record.lastResponseToExitMs)), 1),
    wallMs: round(median(own.map((record) => record.wallMs)), 1),
  };
});
const floor = summary.find((line) => line.engine === 'node');
/** ` (node + N ms)`: what an engine adds to a bare Node process's start-up, when the floor ran too. */
const overFloor = (ms: number, floorMs: number | undefined) => (floor && floorMs !== undefined ? ` (node + ${round(ms - floorMs, 1)} ms)` : '');
for (const line of summary)
  console.error(`median ${line.engine.padEnd(9)} first request ${line.toFirstRequestMs} ms${overFloor(line.toFirstRequestMs, floor?.toFirstRequestMs)} ` +
    `(main thread ${line.mainThreadCpuToFirstRequestMs} ms on CPU, ${line.mainThreadWaitToFirstRequestMs} ms waiting), first page ${line.toFirstPageMs} ms ` +
    `(${line.mainThreadCpuToFirstPageMs} ms on CPU), last response to exit ${line.lastResponseToExitMs} ms, wall ${line.wallMs} ms`);
console.log(JSON.stringify({ pages, runs, concurrency, node: process.version, extraCaCerts: childEnv['NODE_EXTRA_CA_CERTS'] !== undefined, loadAverage: os.loadavg().map((value) => round(value, 2)), summary, runs_: records }));
