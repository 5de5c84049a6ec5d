/**
 * sitecrawl side by side with its peers (`node --import tsx bench/peers.ts --pages 20000 --runs 3 --concurrency 32`).
 *
 * For each site (the generated one, and the PostgreSQL HTML docs served by `site-server.ts --dir` when that directory
 * exists) it alternates one fresh-process crawl per crawler, run after run (sitecrawl, Crawlee, Scrapy, sitecrawl, ...),
 * so a noisy neighbour hits every crawler alike. It reports medians of pages/s and peak RSS per crawler and the ratios
 * to sitecrawl's, checks that every crawl fetched the expected number of pages (the generator's `countUrls()`, or for
 * the corpus what sitecrawl's first run fetched), then samples one more sitecrawl run of the generated site every
 * 250 ms (pages from the server's request counter, RSS from /proc/<pid>/status) and draws `docs/bench-timeline.svg`.
 *
 * Peers are optional and skipped with a hint when missing: Crawlee (`cd bench/peers && npm install`) and Scrapy
 * (`apt-get install -y python3-scrapy`, run with `--python`, default /usr/bin/python3). sitecrawl runs from `dist/`,
 * so run `npm run build` first. One JSON line on stdout, a readable summary on stderr.
 *
 * `--selectors` runs the selector workload instead: sitecrawl with LinkExtractor and a SelectorExtractor, Crawlee making
 * the same records with cheerio's `$` (both from `peers/selector-workload.json`); Scrapy and the timeline are skipped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCrawlRunner, lastJsonLine, median, positiveInt, readPort, round, serverStats } from './harness.js';
import { generateSite } from './site-generator.js';

/** The line each `*-once` script prints (sitecrawl's `crawl-once.ts`, `peers/crawlee-once.mjs`, `peers/scrapy_once.py`). */
interface OnceResult {
  engine: string;
  pages: number;
  /** Records made, with `--selectors`. */
  records?: number;
  failed: number;
  elapsedMs: number;
  pagesPerSecond: number;
  cpuMs: number;
  peakRssBytes: number;
}

interface PeerRun extends OnceResult {
  run: number;
  peakRssMB: number;
  serverRequests: number;
  serverCpuMs: number;
  isComplete: boolean;
}

interface CrawlerSummary {
  crawler: CrawlerName;
  pagesPerSecond: number;
  peakRssMB: number;
  cpuMsPerPage: number;
  allComplete: boolean;
}

interface SiteResult {
  site: string;
  startUrl: string;
  expectedPages: number;
  expectedFrom: string;
  crawlers: CrawlerSummary[];
  /**
   * Medians: sitecrawl pages/s ÷ peer pages/s, peer peak RSS ÷ sitecrawl peak RSS, and peer CPU ms/page ÷ sitecrawl
   * CPU ms/page (the last is the least sensitive to other load on the machine).
   */
  ratios: Record<string, { speed: number; rss: number; cpu: number }>;
  runs: PeerRun[];
}

interface TimelineSample {
  ms: number;
  pages: number;
  rssMB: number;
}

type CrawlerName = 'sitecrawl' | 'crawlee' | 'scrapy';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH_DIR);
const CRAWLEE_DIR = path.join(BENCH_DIR, 'peers');

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
    concurrency: { type: 'string', default: '32' },
    corpus: { type: 'string', default: '/usr/share/doc/postgresql-doc-15/html' },
    'skip-generated': { type: 'boolean', default: false },
    'skip-corpus': { type: 'boolean', default: false },
    timeline: { type: 'string', default: path.join(ROOT, 'docs', 'bench-timeline.svg') },
    'skip-timeline': { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
    selectors: { type: 'boolean', default: false },
  },
});
const pages = positiveInt('pages', values.pages);
const seed = positiveInt('seed', values.seed, 0);
const runs = positiveInt('runs', values.runs);
const concurrency = positiveInt('concurrency', values.concurrency);

// The selector workload: sitecrawl's SelectorExtractor against Crawlee making the same records with cheerio's `$`
// (both read peers/selector-workload.json). Scrapy and the timeline stay with the default workload.
const selectorWorkload = values.selectors ? path.join(CRAWLEE_DIR, 'selector-workload.json') : undefined;
if (selectorWorkload !== undefined) Object.assign(values, { 'skip-timeline': true });
const crawlRunner = buildCrawlRunner();
const crawlers = availableCrawlers();
const versions = crawlerVersions(crawlers);
log(`crawlers: ${crawlers.join(', ')}; ${Object.entries(versions).map(([name, version]) => `${name} ${version}`).join(', ')}`);

const sites: SiteResult[] = [];
let timeline: TimelineSample[] | undefined;
if (!values['skip-generated']) {
  await withServer(['--pages', String(pages), '--seed', String(seed)], async (origin) => {
    const expected = generateSite({ pages, seed, origin }).countUrls();
    sites.push(await compare(`generated, ${pages} pages, seed ${seed}`, `${origin}/`, origin, expected, 'generator countUrls()'));
    if (!values['skip-timeline']) timeline = await recordTimeline(`${origin}/`, origin, values.timeline, expected);
  });
}
if (!values['skip-corpus']) {
  if (existsSync(values.corpus)) {
    await withServer(['--dir', values.corpus], async (origin) => {
      const htmlFiles = readdirSync(values.corpus).filter((name) => name.endsWith('.html')).length;
      log(`corpus: ${values.corpus}, ${htmlFiles} .html files`);
      sites.push(await compare(`corpus ${values.corpus} (${htmlFiles} .html files)`, `${origin}/index.html`, origin, undefined, 'sitecrawl run 1'));
    });
  } else {
    log(`corpus: ${values.corpus} not found, skipped (apt-get install -y postgresql-doc-15)`);
  }
}

console.log(JSON.stringify({
  workload: selectorWorkload !== undefined ? 'selectors' : 'default',
  concurrency,
  runsPerCrawler: runs,
  versions,
  cpus: os.availableParallelism(),
  cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
  sites,
  ...(timeline !== undefined && { timeline: { svg: path.relative(ROOT, values.timeline), samples: timeline } }),
}));

/** Alternates the crawlers run by run on one site and summarizes. */
async function compare(site: string, startUrl: string, origin: string, expected: number | undefined, expectedFrom: string): Promise<SiteResult> {
  log(`\n== ${site}: ${startUrl}, concurrency ${concurrency}, ${runs} run(s) per crawler, alternating ${crawlers.join(' ')}`);
  const records: PeerRun[] = [];
  let expectedPages = expected;
  for (let run = 1; run <= runs; run++) {
    for (const crawler of crawlers) {
      await serverStats(origin, true);
      const result = lastJsonLine<OnceResult>(await runCrawler(crawler, startUrl));
      const stats = await serverStats(origin, false);
      expectedPages ??= result.pages;
      const record: PeerRun = {
        ...result,
        engine: crawler,
        run,
        peakRssMB: round(result.peakRssBytes / 2 ** 20, 1),
        serverRequests: stats.requests,
        serverCpuMs: stats.cpuMs,
        isComplete: result.pages === expectedPages,
      };
      records.push(record);
      log(`run ${run} ${crawler.padEnd(9)} ${record.pages} pages in ${record.elapsedMs} ms = ${record.pagesPerSecond} pages/s, ` +
        `cpu ${record.cpuMs} ms, peak RSS ${record.peakRssMB} MB, failed ${record.failed}, server: ${stats.requests} requests` +
        (record.records !== undefined ? `, ${record.records} records` : '') +
        (record.isComplete ? '' : `  ** expected ${expectedPages} pages **`));
    }
  }
  const summaries = crawlers.map((crawler): CrawlerSummary => {
    const own = records.filter((record) => record.engine === crawler);
    return {
      crawler,
      pagesPerSecond: round(median(own.map((record) => record.pagesPerSecond)), 1),
      peakRssMB: round(median(own.map((record) => record.peakRssMB)), 1),
      cpuMsPerPage: round(median(own.map((record) => record.cpuMs / Math.max(1, record.pages))), 3),
      allComplete: own.every((record) => record.isComplete),
    };
  });
  const base = summaries[0] as CrawlerSummary;
  const ratios: SiteResult['ratios'] = {};
  for (const peer of summaries.slice(1)) {
    ratios[peer.crawler] = {
      speed: round(base.pagesPerSecond / peer.pagesPerSecond, 2),
      rss: round(peer.peakRssMB / base.peakRssMB, 2),
      cpu: round(peer.cpuMsPerPage / base.cpuMsPerPage, 2),
    };
  }
  log(`-- ${site}: expected ${expectedPages} pages (${expectedFrom})`);
  for (const summary of summaries) {
    const ratio = ratios[summary.crawler];
    log(`  ${summary.crawler.padEnd(9)} ${String(summary.pagesPerSecond).padStart(7)} pages/s  ${String(summary.peakRssMB).padStart(6)} MB peak RSS  ` +
      `${summary.cpuMsPerPage} CPU ms/page` +
      (ratio ? `  sitecrawl is ${ratio.speed}x its pages/s; its RSS is ${ratio.rss}x and its CPU/page ${ratio.cpu}x sitecrawl's` : '') +
      (summary.allComplete ? '' : '  WARNING: incomplete runs'));
  }
  return { site, startUrl, expectedPages: expectedPages ?? 0, expectedFrom, crawlers: summaries, ratios, runs: records };
}

/** One more sitecrawl run, sampled every 250 ms, drawn as an SVG. */
async function recordTimeline(startUrl: string, origin: string, svgPath: string, expected: number): Promise<TimelineSample[]> {
  await serverStats(origin, true);
  const child = spawnCrawler('sitecrawl', startUrl);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = once(child, 'exit');
  const started = performance.now();
  const samples: TimelineSample[] = [];
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    const rssMB = readRssMB(child.pid);
    const { requests } = await serverStats(origin, false);
    // VmRSS reads 0 (or is missing) while the child is still being exec'd.
    if (rssMB !== undefined && rssMB > 0) samples.push({ ms: Math.round(performance.now() - started), pages: requests, rssMB });
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const [code] = (await exited) as [number | null];
  if (code !== 0) throw new Error(`timeline run exited with ${code}`);
  const result = lastJsonLine<OnceResult>(output);
  const title = `sitecrawl, ${pages}-page generated site (${expected} URLs), concurrency ${concurrency}: ` +
    `${result.pagesPerSecond} pages/s, peak RSS ${round(result.peakRssBytes / 2 ** 20, 1)} MB`;
  await writeFile(svgPath, timelineSvg(samples, title));
  log(`\ntimeline: ${samples.length} samples, ${result.pages} pages, ${result.pagesPerSecond} pages/s; wrote ${path.relative(ROOT, svgPath)}`);
  return samples;
}

/** Two stacked panels sharing the time axis: pages/s (over the last second) and RSS. Hand-written SVG, no dependencies. */
function timelineSvg(samples: TimelineSample[], title: string): string {
  const width = 720;
  const panelHeight = 150;
  const left = 60;
  const right = 20;
  const plotWidth = width - left - right;
  const tops = [40, 40 + panelHeight + 50];
  const height = tops[1]! + panelHeight + 40;
  const endMs = Math.max(1, samples.at(-1)?.ms ?? 1);
  const rates = samples.map((sample, index) => {
    const previous = samples[Math.max(0, index - 4)]!;
    const span = sample.ms - previous.ms;
    return span > 0 ? ((sample.pages - previous.pages) / span) * 1_000 : 0;
  });
  const series = [
    { label: 'pages/s (server requests, 1 s window)', values: rates, color: '#1f6fb2' },
    { label: 'RSS MB (/proc/<pid>/status VmRSS)', values: samples.map((sample) => sample.rssMB), color: '#c2452d' },
  ];
  const x = (ms: number): number => left + (ms / endMs) * plotWidth;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${left}" y="18" font-size="12" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  series.forEach((serie, panel) => {
    const top = tops[panel]!;
    const max = niceMax(Math.max(1, ...serie.values) / 4) * 4;
    const y = (value: number): number => top + panelHeight - (value / max) * panelHeight;
    parts.push(`<text x="${left}" y="${top - 8}" fill="${serie.color}">${escapeXml(serie.label)}</text>`);
    for (let step = 0; step <= 4; step++) {
      const value = (max / 4) * step;
      parts.push(`<line x1="${left}" x2="${left + plotWidth}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#ddd"/>`);
      parts.push(`<text x="${left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${Math.round(value)}</text>`);
    }
    const points = samples.map((sample, index) => `${x(sample.ms).toFixed(1)},${y(serie.values[index]!).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${serie.color}" stroke-width="1.5" points="${points}"/>`);
    const tickMs = niceMax(endMs / 8);
    for (let ms = 0; ms <= endMs; ms += tickMs) {
      parts.push(`<text x="${x(ms).toFixed(1)}" y="${top + panelHeight + 14}" text-anchor="middle">${(ms / 1_000).toFixed(ms % 1_000 === 0 ? 0 : 1)} s</text>`);
    }
    parts.push(`<rect x="${left}" y="${top}" width="${plotWidth}" height="${panelHeight}" fill="none" stroke="#888"/>`);
  });
  parts.push(`<text x="${left}" y="${height - 8}" fill="#555">time since the crawler process was spawned (module loading included); sampled every 250 ms</text>`);
  parts.push('</svg>', '');
  return parts.join('\n');
}

function niceMax(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((candidate) => candidate * magnitude >= value) ?? 10;
  return step * magnitude;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function readRssMB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? round(Number(match[1]) / 1_024, 1) : undefined;
  } catch {
    return undefined;
  }
}

function availableCrawlers(): CrawlerName[] {
  const found: CrawlerName[] = ['sitecrawl'];
  if (!existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  if (existsSync(path.join(CRAWLEE_DIR, 'node_modules', '@crawlee', 'cheerio', 'package.json'))) found.push('crawlee');
  else log('Crawlee skipped: install it with `cd bench/peers && npm install`');
  if (selectorWorkload !== undefined) log('Scrapy skipped: the selector workload compares with Crawlee only');
  else if (spawnSync(values.python, ['-c', 'import scrapy'], { stdio: 'ignore' }).status === 0) found.push('scrapy');
  else log(`Scrapy skipped: ${values.python} cannot import scrapy (apt-get install -y python3-scrapy, or pass --python)`);
  return found;
}

function crawlerVersions(names: CrawlerName[]): Record<string, string> {
  const versions: Record<string, string> = { node: process.version };
  const rootPackage = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  versions.sitecrawl = rootPackage.version;
  if (names.includes('crawlee')) {
    const crawlee = JSON.parse(readFileSync(path.join(CRAWLEE_DIR, 'node_modules', '@crawlee', 'cheerio', 'package.json'), 'utf8')) as { version: string };
    versions.crawlee = crawlee.version;
  }
  if (names.includes('scrapy')) {
    const script = 'import sys, scrapy, twisted; print(sys.version.split()[0], scrapy.__version__, twisted.__version__)';
    const [python, scrapy, twisted] = spawnSync(values.python, ['-c', script], { encoding: 'utf8' }).stdout.trim().split(' ');
    Object.assign(versions, { python, scrapy, twisted });
  }
  return versions;
}

function spawnCrawler(crawler: CrawlerName, startUrl: string): ChildProcess {
  const common = ['--url', startUrl, '--concurrency', String(concurrency), ...(selectorWorkload !== undefined ? ['--selectors', selectorWorkload] : [])];
  const stdio: ['ignore', 'pipe', 'inherit'] = ['ignore', 'pipe', 'inherit'];
  switch (crawler) {
    case 'sitecrawl':
      return spawn(process.execPath, [crawlRunner, ...common], { cwd: ROOT, stdio });
    case 'crawlee':
      return spawn(process.execPath, [path.join(CRAWLEE_DIR, 'crawlee-once.mjs'), ...common], { cwd: CRAWLEE_DIR, stdio });
    case 'scrapy':
      return spawn(values.python, [path.join(CRAWLEE_DIR, 'scrapy_once.py'), ...common], { cwd: CRAWLEE_DIR, stdio });
  }
}

async function runCrawler(crawler: CrawlerName, startUrl: string): Promise<string> {
  const child = spawnCrawler(crawler, startUrl);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${crawler} crawl of ${startUrl} exited with ${code}`);
  return output;
}

/** Starts `site-server.ts` with `args`, runs `body` with its origin, and stops it. */
async function withServer(args: string[], body: (origin: string) => Promise<void>): Promise<void> {
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'site-server.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await readPort(server);
    await body(`http://127.0.0.1:${port}`);
  } finally {
    server.kill('SIGTERM');
    if (server.exitCode === null && server.signalCode === null) await once(server, 'exit');
  }
}







function log(message: string): void {
  console.error(message);
}
