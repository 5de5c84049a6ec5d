/**
 * `--persist` against none on the generated site, in one alternating run (issue 11's crawl-level figure):
 *
 *   npm run build && node --import tsx bench/persist-crawl.ts [--pages 20000] [--runs 3] [--concurrency 16]
 *
 * Starts `site-server.ts`, then runs `crawl-once.ts` (compiled, each run a fresh process, writing pages.jsonl and
 * records.jsonl to a temporary OUT) alternately without and with `persist: { path: OUT/state.db }`, `--runs` times
 * each. Prints one JSON line with each setting's medians (pages/s, peak RSS) and the ratios persisted / in memory,
 * then a readable summary on stderr. The machine may be shared: ratios from the same run are what to compare.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CrawlResult } from './crawl-once.js';
import { buildCrawlRunner, lastJsonLine, median, positiveInt, readPort, round } from './harness.js';
import { generateSite } from './site-generator.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH_DIR);
const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16' },
  },
});
const pages = positiveInt('pages', values.pages);
const seed = positiveInt('seed', values.seed, 0);
const runs = positiveInt('runs', values.runs);
const concurrency = positiveInt('concurrency', values.concurrency);
const log = (line: string) => process.stderr.write(`${line}\n`);

async function run(script: string, args: string[]): Promise<string> {
  const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${script} exited with ${code}`);
  return output;
}

const runner = buildCrawlRunner();
const server = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'site-server.ts'), '--pages', String(pages), '--seed', String(seed)], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  const origin = `http://127.0.0.1:${await readPort(server)}`;
  const expected = generateSite({ pages, seed, origin }).countUrls();
  log(`site: ${pages} pages, ${expected} distinct URLs, at ${origin}/`);
  const results: Record<'memory' | 'persist', CrawlResult[]> = { memory: [], persist: [] };
  for (let index = 1; index <= runs; index++) {
    for (const setting of ['memory', 'persist'] as const) {
      const out = await mkdtemp(path.join(os.tmpdir(), 'sitecrawl-bench-persist-'));
      try {
        const args = ['--url', `${origin}/`, '--concurrency', String(concurrency), '--out', out];
        if (setting === 'persist') args.push('--persist', path.join(out, 'state.db'));
        const result = lastJsonLine<CrawlResult>(await run(runner, args));
        if (result.pages !== expected) throw new Error(`${setting} run crawled ${result.pages} pages, expected ${expected}`);
        results[setting].push(result);
        log(`run ${index}/${runs} ${setting.padEnd(7)}: ${result.pagesPerSecond} pages/s, peak RSS ${round(result.peakRssBytes / 2 ** 20, 1)} MB`);
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    }
  }
  const medians = (list: CrawlResult[]) => ({
    pagesPerSecond: round(median(list.map((result) => result.pagesPerSecond)), 1),
    peakRssMB: round(median(list.map((result) => result.peakRssBytes / 2 ** 20)), 1),
  });
  const memory = medians(results.memory);
  const persist = medians(results.persist);
  const summary = {
    pages: expected,
    runs,
    concurrency,
    memory,
    persist,
    pagesPerSecondRatio: round(persist.pagesPerSecond / memory.pagesPerSecond, 3),
    peakRssRatio: round(persist.peakRssMB / memory.peakRssMB, 3),
    node: process.version,
    cpus: os.availableParallelism(),
    loadAverage: os.loadavg().map((value) => round(value, 1)),
  };
  console.log(JSON.stringify(summary));
  log(`pages/s: ${memory.pagesPerSecond} in memory, ${persist.pagesPerSecond} persisted (ratio ${summary.pagesPerSecondRatio}); ` +
    `peak RSS: ${memory.peakRssMB} MB, ${persist.peakRssMB} MB (ratio ${summary.peakRssRatio}); load ${summary.loadAverage.join(' ')}`);
} finally {
  server.kill();
}
