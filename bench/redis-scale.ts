/**
 * The Redis-shared crawl under load (docs/BENCHMARKS.md, "Shared crawls on Redis"); a benchmark, not a test:
 *
 * - `scale`: a site bound by latency, not CPU: every page answers after `--latency-ms` (50) on 8 loopback hosts
 *   (127.0.0.2 to 127.0.0.9), a tree of `--fanout` (6) links per page over 3 levels below each host's `/`. It is
 *   crawled by one process without Redis, then by 1, 2 and 3 `sitecrawl crawl --redis` worker processes (`-c
 *   --concurrency` (8) each, `--per-host 4`), `--runs` (3) times each, alternating; pages/s from the first worker's
 *   start to the last one's exit (process start-up included), median of runs.
 *   One more 3-worker run under MONITOR counts the commands the workers send (a Lua script is one; what scripts call
 *   inside is not counted) per page.
 * - `engine`: the generated site (`bench/site-server.ts --pages N`, a separate process) crawled by one process
 *   without Redis and by one worker on Redis, same flags, alternating, `--runs` times: median pages/s and the ratio.
 * - `memory`: Redis `used_memory` for `--urls` (1,000,000) URLs admitted (seen-set + queue), then the same URLs
 *   settled as fetched pages (seen-set + a results-stream entry with a typical page record; the queue is empty).
 *
 *   npm run build && node --import tsx bench/redis-scale.ts [--phase all|scale|engine|memory] [--runs N] [--concurrency N] [--latency-ms N]
 *
 * Prints one JSON line per measure, then a readable line. Starts its own redis-server on a free port.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { RedisCrawlState } from '../src/storage/redis/redis-crawl-state.js';
import { startRedis } from '../tests/helpers/redis-server.js';
import type { RedisServer } from '../tests/helpers/redis-server.js';
import { median, readPort, round } from './harness.js';
import { syntheticUrls } from './synthetic-urls.js';

const { values } = parseArgs({
  options: {
    phase: { type: 'string', default: 'all' },
    runs: { type: 'string', default: '3' },
    'latency-ms': { type: 'string', default: '50' },
    fanout: { type: 'string', default: '6' },
    concurrency: { type: 'string', default: '8' },
    pages: { type: 'string', default: '5000' },
    urls: { type: 'string', default: '1000000' },
    'serve-host': { type: 'string' },
  },
});
const RUNS = Number(values.runs);
const report = (result: Record<string, unknown>, line: string) => process.stdout.write(`${JSON.stringify(result)}\n${line}\n`);
const CLI = 'dist/cli/main.js';

/** Runs `node dist/cli/main.js ...args` to its end; rejects on a non-zero exit. */
function cli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`sitecrawl ${args[0]} exited ${code}: ${stderr}`))));
  });
}

/** Serves one host of the latency-bound site (`--serve-host N` on 127.0.0.N) and prints `{"port":P}`. */
async function serveHost(host: number, latencyMs: number, fanout: number): Promise<void> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/robots.txt') return void res.writeHead(404).end();
    const level = path === '/' ? 0 : path.split('/').length - 1;
    const links = level < 3 ? Array.from({ length: fanout }, (_, n) => `<a href="${path === '/' ? '' : path}/p${n}">p${n}</a>`).join('') : '<a href="/">home</a>';
    const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>${path}</title>${links}`), latencyMs);
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, `127.0.0.${host}`, resolve));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
}

/**
 * The latency-bound site on 127.0.0.2-9: `/` and every `/p...` page links to `fanout` children, 3 levels deep. Each
 * host is its own process, so on a shared machine the site gets a CPU share per host rather than one in all.
 */
async function latencySite(latencyMs: number, fanout: number): Promise<{ roots: string[]; pages: number; close: () => Promise<void> }> {
  const children: ChildProcess[] = [];
  const roots: string[] = [];
  for (let host = 2; host <= 9; host++) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/redis-scale.ts', '--serve-host', String(host), '--latency-ms', String(latencyMs), '--fanout', String(fanout)], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    roots.push(`http://127.0.0.${host}:${await readPort(child)}/`);
  }
  const pages = 8 * (1 + fanout + fanout ** 2 + fanout ** 3);
  return { roots, pages, close: async () => void children.forEach((child) => child.kill()) };
}

async function scalePhase(redis: RedisServer): Promise<void> {
  const site = await latencySite(Number(values['latency-ms']), Number(values.fanout));
  const flags = ['-q', '-c', String(values.concurrency), '--per-host', '4', '-d', '3', '--workers', '0', '--scope', 'host'];
  let crawl = 0;
  // workers 0: one process without Redis, the in-memory engine with the same flags (the ceiling of one worker).
  const crawlWith = async (workers: number) => {
    const id = `scale-${crawl++}`;
    const started = performance.now();
    if (workers === 0) await cli(['crawl', ...site.roots, ...flags, '-o', `/tmp/sitecrawl-bench-scale-${process.pid}`, '--overwrite']);
    else await Promise.all(Array.from({ length: workers }, () => cli(['crawl', ...site.roots, '--redis', redis.url, '--crawl-id', id, ...flags])));
    return (site.pages * 1000) / (performance.now() - started);
  };
  const rates: Record<number, number[]> = { 0: [], 1: [], 2: [], 3: [] };
  for (let run = 0; run < RUNS; run++) for (const workers of [0, 1, 2, 3]) rates[workers]?.push(await crawlWith(workers));
  const one = median(rates[1] ?? []);
  const memory = median(rates[0] ?? []);
  report(
    { measure: 'scale', workers: 0, pages: site.pages, pagesPerSecond: round(memory, 1), runs: (rates[0] ?? []).map((value) => round(value, 1)) },
    `in memory, one process: ${round(memory, 1)} pages/s, runs ${(rates[0] ?? []).map((value) => round(value, 1)).join(', ')}; one Redis worker is ${round(one / memory, 2)}x of it`,
  );
  for (const workers of [1, 2, 3]) {
    const rate = median(rates[workers] ?? []);
    report(
      { measure: 'scale', workers, pages: site.pages, pagesPerSecond: round(rate, 1), runs: (rates[workers] ?? []).map((value) => round(value, 1)), ratio: round(rate / one, 2) },
      `${workers} worker(s): ${round(rate, 1)} pages/s (${round(rate / one, 2)}x one worker), runs ${(rates[workers] ?? []).map((value) => round(value, 1)).join(', ')}`,
    );
  }
  // Commands per page: MONITOR prints each command once; those a script runs inside are tagged `lua`.
  const monitor = new Redis(redis.url);
  const counts = new Map<string, number>();
  const watcher = await monitor.monitor();
  watcher.on('monitor', (_time: string, args: string[], source: string) => {
    if (source.includes('lua')) return;
    const name = (args[0] ?? '').toLowerCase();
    counts.set(name, (counts.get(name) ?? 0) + 1);
  });
  await crawlWith(3);
  await new Promise((resolve) => setTimeout(resolve, 200));
  watcher.disconnect();
  monitor.disconnect();
  const total = [...counts.values()].reduce((sum, value) => sum + value, 0);
  const byCommand = Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).map(([name, count]) => [name, round(count / site.pages, 2)]));
  report({ measure: 'commands', workers: 3, pages: site.pages, commandsPerPage: round(total / site.pages, 2), byCommand }, `3 workers: ${round(total / site.pages, 2)} commands per page (${JSON.stringify(byCommand)})`);
  await site.close();
}

async function enginePhase(redis: RedisServer): Promise<void> {
  const server = spawn(process.execPath, ['--import', 'tsx', 'bench/site-server.ts', '--pages', String(values.pages), '--seed', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await readPort(server);
  const url = `http://127.0.0.1:${port}/`;
  const flags = ['-q', '-c', '32', '--per-host', '32', '-d', '100'];
  const memory: number[] = [];
  const shared: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let started = performance.now();
    await cli(['crawl', url, ...flags, '-o', `/tmp/sitecrawl-bench-redis-${process.pid}`, '--overwrite']);
    memory.push((Number(values.pages) * 1000) / (performance.now() - started));
    started = performance.now();
    await cli(['crawl', url, ...flags, '--redis', redis.url, '--crawl-id', `engine-${run}`]);
    shared.push((Number(values.pages) * 1000) / (performance.now() - started));
  }
  server.kill();
  const ratio = median(shared) / median(memory);
  report(
    { measure: 'engine', pages: Number(values.pages), memoryPagesPerSecond: round(median(memory), 1), redisPagesPerSecond: round(median(shared), 1), ratio: round(ratio, 2), memoryRuns: memory.map((v) => round(v, 1)), redisRuns: shared.map((v) => round(v, 1)) },
    `generated site, ${values.pages} pages: in memory ${round(median(memory), 1)} pages/s, one Redis worker ${round(median(shared), 1)} pages/s (${round(ratio * 100, 0)}%)`,
  );
}

async function memoryPhase(redis: RedisServer): Promise<void> {
  const total = Number(values.urls);
  const used = async (client: Redis) => Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1] ?? 0);
  const state = await RedisCrawlState.open({ url: redis.url, crawlId: 'memory', retryMs: 5000 });
  await state.begin('crawl', {}, Number.POSITIVE_INFINITY, []);
  const before = await used(state.redis);
  const urls = syntheticUrls(0, total);
  for (let start = 0; start < total; start += 1000)
    await state.seen.admit(urls.slice(start, start + 1000).map((url) => ({ url, depth: 1, parent: 'https://www.site-0.example.com/parent/page.html' })));
  const queued = await used(state.redis);
  // Settle every URL as a fetched page with a typical record (claimed in batches, so the queue empties).
  const record = (url: string) =>
    JSON.stringify({ url, finalUrl: url, status: 200, depth: 1, parent: 'https://www.site-0.example.com/parent/page.html', contentType: 'text/html', bytes: 24_531, title: 'A typical page title of moderate length', links: 48, ms: 112, attempts: 1, truncated: false, redirects: [], error: null });
  for (;;) {
    const claim = await state.frontier.claim(1000, 600_000);
    if (claim.kind !== 'claimed') break;
    await state.settle(claim.requests.map((request) => ({ entry: request.entry, kind: 'fetched', url: request.url, page: record(request.url), records: '[]' })));
  }
  const fetched = await used(state.redis);
  const perQueued = (queued - before) / total;
  const perFetched = (fetched - before) / total;
  report(
    { measure: 'memory', urls: total, queuedBytesPerUrl: round(perQueued, 1), fetchedBytesPerUrl: round(perFetched, 1), queuedMB: round((queued - before) / 1048576, 1), fetchedMB: round((fetched - before) / 1048576, 1) },
    `${total} URLs: ${round((queued - before) / 1048576, 1)} MB queued (${round(perQueued, 1)} B/URL), ${round((fetched - before) / 1048576, 1)} MB fetched with records in the stream (${round(perFetched, 1)} B/URL)`,
  );
  await state.close();
}

async function main(): Promise<void> {
  const redis = await startRedis();
  try {
    const phase = values.phase;
    if (phase === 'all' || phase === 'memory') await memoryPhase(redis);
    if (phase === 'all' || phase === 'scale') await scalePhase(redis);
    if (phase === 'all' || phase === 'engine') await enginePhase(redis);
  } finally {
    await redis.close();
  }
}

if (values['serve-host'] !== undefined) await serveHost(Number(values['serve-host']), Number(values['latency-ms']), Number(values.fanout));
else await main();
