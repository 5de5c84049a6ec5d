/**
 * Benchmark runner (`npm run bench -- --pages 20000 --runs 3 --concurrency 16 [--engine sitecrawl|minimal] [--write]
 * [--workers N[,M...]] [--audit] [--frontier-links 1000000]`).
 *
 * `--workers 1,2` alternates the settings run by run and reports each one's medians and the last one's pages/s as a
 * multiple of the first's (`scaling`). `--audit` adds sitecrawl's AuditExtractor, which reads the whole tree, so
 * parsing, not fetching, is most of the work.
 *
 * Starts `site-server.ts` as its own process, measures the parse5 ceiling on the same site in a child process (before
 * and after the crawls), then runs `crawl-once.ts` (compiled to bench/.build/, run without tsx) `--runs` times, each in
 * a fresh child process. Last, the frontier test that needs no server: `frontier.ts` feeds `--frontier-links`
 * synthetic URLs through the seen-set and the spilling frontier (0 skips it). Prints one JSON line ({@link BenchResult})
 * on stdout and a readable summary on stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CrawlResult } from './crawl-once.js';
import { buildCrawlRunner, lastJsonLine, median, positiveInt, readPort, round, serverStats } from './harness.js';
import { generateSite } from './site-generator.js';

/** One crawl as the runner records it: the child's line plus what the server saw. */
export interface RunRecord extends CrawlResult {
  peakRssMB: number;
  /** Requests the server answered during the run (robots.txt included). */
  serverRequests: number;
  /** TCP connections the server accepted during the run. */
  serverConnections: number;
  /** CPU the server process used during the run. */
  serverCpuMs: number;
  /** Whether `pages` equals the number of distinct URLs the site has. */
  isComplete: boolean;
  /** The `--workers` setting of this run (absent: sitecrawl's default). */
  workers?: number;
}

/** Medians of the runs of one `--workers` setting. */
export interface SettingResult {
  workers: number | undefined;
  pagesPerSecond: number;
  peakRssMB: number;
  cpuMsPerPage: number;
}

/** The JSON line the runner prints. */
export interface BenchResult {
  engine: string;
  sitePages: number;
  expectedUrls: number;
  concurrency: number;
  /** Median over runs. */
  pagesPerSecond: number;
  /** Median over runs. */
  peakRssMB: number;
  /** Median over runs: crawler CPU (user + system) per page. */
  cpuMsPerPage: number;
  /** Mean of the parse5 ceiling measured before and after the crawls. */
  ceilingPagesPerSecond: number;
  ceilingSamples: number[];
  /** `pagesPerSecond / ceilingPagesPerSecond`. */
  ratio: number;
  node: string;
  cpus: number;
  cpuModel: string;
  runs: RunRecord[];
  /** With several `--workers` settings: each one's medians (the headline figures are the last one's). */
  settings?: SettingResult[];
  /** With several `--workers` settings: the last one's pages/s divided by the first one's. */
  scaling?: number;
  audit: boolean;
  /** `bench/frontier.ts --links N`'s line (no server: synthetic links through the seen-set and frontier); absent with `--frontier-links 0`. */
  frontier?: FrontierResult;
}

/** What `bench/frontier.ts` prints (the fields the runner reports). */
interface FrontierResult {
  urls: number;
  largestLevel: number;
  peakRssMB: number;
  seconds: number;
  spilled: boolean;
}

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH_DIR);

// `--whole-process`: every crawler as its own process under /usr/bin/time, from start to exit (bench/whole-process.ts,
// which reads the rest of the arguments).
if (process.argv.includes('--whole-process')) {
  await import('./whole-process.js');
  process.exit(0);
}

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16' },
    engine: { type: 'string', default: 'sitecrawl' },
    'ceiling-seconds': { type: 'string', default: '5' },
    'ceiling-sample': { type: 'string', default: '2000' },
    write: { type: 'boolean', default: false },
    workers: { type: 'string' },
    audit: { type: 'boolean', default: false },
    'frontier-links': { type: 'string', default: '1000000' },
  },
});
const pages = positiveInt('pages', values.pages);
const seed = positiveInt('seed', values.seed, 0);
const runs = positiveInt('runs', values.runs);
const concurrency = positiveInt('concurrency', values.concurrency);
const frontierLinks = positiveInt('frontier-links', values['frontier-links'], 0);
const engine = values.engine;
const workerSettings = values.workers === undefined ? [undefined] : values.workers.split(',').map((value) => positiveInt('workers', value, 0));

const crawlRunner = buildCrawlRunner();
const server = spawnScript('site-server.ts', ['--pages', String(pages), '--seed', String(seed)]);
try {
  const port = await readPort(server);
  const origin = `http://127.0.0.1:${port}`;
  const expectedUrls = generateSite({ pages, seed, origin }).countUrls();
  log(`site: ${pages} pages, ${expectedUrls} distinct URLs, served at ${origin}/`);

  const ceilingArgs = ['--pages', String(pages), '--seed', String(seed), '--port', String(port)];
  ceilingArgs.push('--seconds', values['ceiling-seconds'], '--sample', values['ceiling-sample']);
  const ceilingSamples = [await measureCeiling(ceilingArgs)];
  const records: RunRecord[] = [];
  for (let run = 1; run <= runs; run++) for (const workers of workerSettings) {
    const outDir = values.write ? await mkdtemp(path.join(os.tmpdir(), 'sitecrawl-bench-')) : undefined;
    try {
      await serverStats(origin, true);
      const crawlArgs = ['--url', `${origin}/`, '--concurrency', String(concurrency), '--engine', engine];
      if (outDir !== undefined) crawlArgs.push('--out', outDir);
      if (workers !== undefined) crawlArgs.push('--workers', String(workers));
      if (values.audit) crawlArgs.push('--audit');
      const result = lastJsonLine<CrawlResult>(await runScript(crawlRunner, crawlArgs, false));
      const stats = await serverStats(origin, false);
      const record: RunRecord = {
        ...result,
        peakRssMB: round(result.peakRssBytes / 2 ** 20, 1),
        serverRequests: stats.requests,
        serverConnections: stats.connections,
        serverCpuMs: stats.cpuMs,
        isComplete: result.pages === expectedUrls,
        ...(workers !== undefined && { workers }),
      };
      records.push(record);
      log(`run ${run}/${runs}${workers === undefined ? '' : `, workers ${workers}`}: ${record.pages} pages in ${record.elapsedMs} ms = ${record.pagesPerSecond} pages/s, ` +
        `cpu ${record.cpuMs} ms, peak RSS ${record.peakRssMB} MB, server: ${record.serverRequests} requests, ` +
        `${record.serverConnections} connections, cpu ${record.serverCpuMs} ms` +
        (record.isComplete ? '' : `  ** expected ${expectedUrls} pages **`));
    } finally {
      if (outDir !== undefined) await rm(outDir, { recursive: true, force: true });
    }
  }
  ceilingSamples.push(await measureCeiling(ceilingArgs));
  const frontier =
    frontierLinks > 0 ? lastJsonLine<FrontierResult>(await runScript('frontier.ts', ['--links', String(frontierLinks)])) : undefined;

  const ceilingPagesPerSecond = round(ceilingSamples.reduce((a, b) => a + b, 0) / ceilingSamples.length, 1);
  const settings = workerSettings.map((workers) => settingResult(workers, records.filter((record) => record.workers === workers)));
  const headline = settings[settings.length - 1] as SettingResult;
  const pagesPerSecond = headline.pagesPerSecond;
  const result: BenchResult = {
    engine,
    sitePages: pages,
    expectedUrls,
    concurrency,
    pagesPerSecond,
    peakRssMB: headline.peakRssMB,
    cpuMsPerPage: headline.cpuMsPerPage,
    ceilingPagesPerSecond,
    ceilingSamples,
    ratio: round(pagesPerSecond / ceilingPagesPerSecond, 3),
    node: process.version,
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    runs: records,
    audit: values.audit,
    ...(settings.length > 1 && { settings, scaling: round(pagesPerSecond / (settings[0] as SettingResult).pagesPerSecond, 3) }),
    ...(frontier && { frontier }),
  };
  console.log(JSON.stringify(result));
  log(
    [
      '',
      `sitecrawl bench: engine=${engine}, ${pages} generated pages (${expectedUrls} URLs), concurrency ${concurrency}, workers ${values.workers ?? "default"}${values.audit ? ', with AuditExtractor' : ''}${values.write ? ", writing pages.jsonl" : ""}, ${runs} run(s)`,
      ...settings.map(
        (setting) =>
          `  crawl          ${setting.pagesPerSecond} pages/s${setting.workers === undefined ? '' : ` with ${setting.workers} worker(s)`} (median; runs: ` +
          `${records.filter((record) => record.workers === setting.workers).map((record) => record.pagesPerSecond).join(', ')})`,
      ),
      ...(result.scaling === undefined ? [] : [`  scaling        ${result.scaling}x: ${headline.workers} workers against ${settings[0]?.workers}`]),
      `  parse ceiling  ${ceilingPagesPerSecond} pages/s (parse5.parse only, one thread; samples: ${ceilingSamples.join(', ')})`,
      `  ratio          ${result.ratio} of the ceiling`,
      `  peak RSS       ${result.peakRssMB} MB (median)`,
      `  CPU per page   ${result.cpuMsPerPage} ms (median, crawler process only)`,
      `  machine        ${result.node}, ${result.cpus} CPUs, ${result.cpuModel}`,
      frontier
        ? `  frontier       ${frontier.urls} synthetic URLs through the seen-set and frontier (no server): largest level ` +
          `${frontier.largestLevel}, peak RSS ${frontier.peakRssMB} MB, ${frontier.seconds} s${frontier.spilled ? ', spilled to disk' : ''}`
        : '',
      records.every((record) => record.isComplete) ? '' : '  WARNING: some runs did not fetch every URL of the site',
    ].join('\n'),
  );
} finally {
  server.kill('SIGTERM');
  if (server.exitCode === null && server.signalCode === null) await once(server, 'exit');
}

/** The medians of one `--workers` setting's runs. */
function settingResult(workers: number | undefined, runs: RunRecord[]): SettingResult {
  return {
    workers,
    pagesPerSecond: round(median(runs.map((record) => record.pagesPerSecond)), 1),
    peakRssMB: round(median(runs.map((record) => record.peakRssMB)), 1),
    cpuMsPerPage: round(median(runs.map((record) => record.cpuMs / Math.max(1, record.pages))), 3),
  };
}

/**
 * Starts a bench script with stdout piped to us and stderr shared: `node --import tsx bench/<script>`, or, for a compiled
 * script (an absolute path, `tsx` false), plain `node <script>`.
 */
function spawnScript(script: string, args: string[], tsx = true): ChildProcess {
  const entry = tsx ? ['--import', 'tsx', path.join(BENCH_DIR, script)] : [script];
  return spawn(process.execPath, [...entry, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Runs a bench script to completion and returns its stdout; rejects on a non-zero exit. */
async function runScript(script: string, args: string[], tsx = true): Promise<string> {
  const child = spawnScript(script, args, tsx);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${code}`);
  return output;
}

/** Resolves with the port from the server's `{"port":N}` line. */

async function measureCeiling(args: string[]): Promise<number> {
  const { ceilingPagesPerSecond } = lastJsonLine<{ ceilingPagesPerSecond: number }>(await runScript('parse-ceiling.ts', args));
  log(`parse ceiling: ${ceilingPagesPerSecond} pages/s`);
  return ceilingPagesPerSecond;
}






function log(message: string): void {
  console.error(message);
}
