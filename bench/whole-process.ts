/**
 * Whole-process comparison (issue 15): every crawler run as its own process under `/usr/bin/time -v`, from start to
 * exit, as a user runs it, alternating run by run (each run starting one crawler further), on real documentation sites
 * and the generated one:
 *
 *   node --import tsx bench/whole-process.ts [--sites pg,python,generated] [--runs 3] [--concurrency 32]
 *     [--crawlers sitecrawl,minimal,crawlee,wget] [--pages 20000] [--sitecrawl-arg ARG ...] [--also NAME=DIR ...]
 *     [--warm-up 1]
 *   (also: `npm run bench -- --whole-process ...` and `node --import tsx bench/peers.ts --whole-process ...`)
 *
 * - sitecrawl: the CLI, `node dist/cli/main.js crawl URL -c 32 --per-host 32 -d 1000 -o TMP -q` (writes its pages.jsonl
 *   and records.jsonl, as users get them). `--also NAME=DIR` adds another checkout's build (DIR/dist) as a crawler.
 * - minimal: `bench/minimal-crawl.ts` through the compiled `crawl-once.js --engine minimal` (32 worker loops).
 * - crawlee: `bench/peers/crawlee-once.mjs` (CheerioCrawler, min = max concurrency 32).
 * - wget: `wget -r -l inf -q -P TMP URL` (one connection: wget cannot do more).
 * - scrapy: `bench/peers/scrapy_once.py` when Scrapy imports (`apt-get install python3-scrapy`), CONCURRENT_REQUESTS 32.
 *
 * Sites are served by `bench/site-server.ts` in its own process: `pg` = /usr/share/doc/postgresql-doc-15/html,
 * `python` = /usr/share/doc/python3.11/html (start at index.html), `generated` = `--pages` generated pages.
 * Reported per crawler: wall time (`/usr/bin/time`'s elapsed), peak RSS (its maximum resident set size), user + sys
 * CPU, the server's count of 2xx HTML answers as pages, and medians; then sitecrawl's ratios to each. Before the
 * measured runs, `--warm-up` unmeasured crawls by the first crawler (default 1) warm the server (a Node process: its
 * first crawl runs cold code) and the page cache, which would otherwise slow whichever crawler goes first. One JSON
 * line on stdout, a readable summary on stderr. Run `npm run build` first.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCrawlRunner, median, positiveInt, readPort, round, serverStats } from './harness.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH_DIR);
const PEERS_DIR = path.join(BENCH_DIR, 'peers');
const TIME = '/usr/bin/time';

/** `items` starting at index `by` (mod length), wrapping around. Pure. */
function rotated<T>(items: readonly T[], by: number): T[] {
  const start = by % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}

/** One crawler process, measured. */
export interface ProcessRun {
  site: string;
  crawler: string;
  run: number;
  wallS: number;
  userS: number;
  sysS: number;
  peakRssMB: number;
  /** 2xx answers the server sent during the run (pages and any other file a crawler fetched). */
  pages: number;
  /** Every request the server answered (robots.txt, 404s, redirects included). */
  requests: number;
  cpuMsPerPage: number;
}

/** Medians of one crawler on one site. */
export interface CrawlerMedians {
  crawler: string;
  wallS: number;
  pagesPerSecond: number;
  peakRssMB: number;
  cpuMsPerPage: number;
  pages: number;
}

interface SiteSpec {
  name: string;
  serverArgs: string[];
  startPath: string;
}

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--whole-process'),
  options: {
    sites: { type: 'string', default: 'pg,python,generated' },
    crawlers: { type: 'string', default: 'sitecrawl,minimal,crawlee,wget' },
    runs: { type: 'string', default: '3' },
    'warm-up': { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '32' },
    pages: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    python: { type: 'string', default: '/usr/bin/python3' },
    'sitecrawl-arg': { type: 'string', multiple: true, default: [] },
    also: { type: 'string', multiple: true, default: [] },
  },
});
const runs = positiveInt('runs', values.runs);
const warmUps = positiveInt('warm-up', values['warm-up'], 0);
const concurrency = positiveInt('concurrency', values.concurrency);
const SITES: Record<string, SiteSpec> = {
  pg: { name: 'PostgreSQL 15 docs', serverArgs: ['--dir', '/usr/share/doc/postgresql-doc-15/html'], startPath: '/index.html' },
  python: { name: 'Python 3.11 docs', serverArgs: ['--dir', '/usr/share/doc/python3.11/html'], startPath: '/index.html' },
  generated: { name: `generated, ${values.pages} pages`, serverArgs: ['--pages', values.pages, '--seed', values.seed], startPath: '/' },
};

if (!existsSync(TIME)) throw new Error(`${TIME} is missing: apt-get install -y time`);
if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
const crawlers = values.crawlers.split(',').filter((crawler) => {
  if (crawler === 'crawlee' && !existsSync(path.join(PEERS_DIR, 'node_modules', '@crawlee', 'cheerio'))) return skip('crawlee', '(cd bench/peers && npm ci)');
  if (crawler === 'wget' && spawnSync('wget', ['--version'], { stdio: 'ignore' }).status !== 0) return skip('wget', 'apt-get install -y wget');
  if (crawler === 'scrapy' && spawnSync(values.python, ['-c', 'import scrapy'], { stdio: 'ignore' }).status !== 0) return skip('scrapy', 'apt-get install -y python3-scrapy');
  return true;
});
const also = values.also.map((spec) => {
  const [name, dir] = spec.split('=');
  if (!name || !dir) throw new Error(`Expected --also NAME=DIR, got ${spec}`);
  return { name, dir: path.resolve(dir) };
});
crawlers.push(...also.map((entry) => entry.name));
const crawlRunner = crawlers.includes('minimal') ? buildCrawlRunner() : '';

function skip(crawler: string, hint: string): false {
  console.error(`${crawler} skipped: install it with \`${hint}\``);
  return false;
}

/** The command line of one crawler, writing into `tmp` where it writes at all. */
function commandOf(crawler: string, url: string, tmp: string): string[] {
  const c = String(concurrency);
  const other = also.find((entry) => entry.name === crawler);
  const node = process.execPath;
  if (crawler === 'sitecrawl' || other) {
    const main = path.join(other?.dir ?? ROOT, 'dist', 'cli', 'main.js');
    return [node, main, 'crawl', url, '-c', c, '--per-host', c, '-d', '1000', '-o', path.join(tmp, 'out'), '-q', ...values['sitecrawl-arg']];
  }
  switch (crawler) {
    case 'minimal':
      return [node, crawlRunner, '--engine', 'minimal', '--url', url, '--concurrency', c];
    case 'crawlee':
      return [node, path.join(PEERS_DIR, 'crawlee-once.mjs'), '--url', url, '--concurrency', c];
    case 'scrapy':
      return [values.python, path.join(PEERS_DIR, 'scrapy_once.py'), '--url', url, '--concurrency', c];
    case 'wget':
      return ['wget', '-r', '-l', 'inf', '-q', '-P', path.join(tmp, 'wget'), url];
    default:
      throw new Error(`Unknown crawler ${crawler}`);
  }
}

/** `/usr/bin/time -v` output -> wall, user, sys seconds and peak RSS. */
function parseTime(text: string): { wallS: number; userS: number; sysS: number; peakRssMB: number } {
  const field = (label: string) => {
    const match = new RegExp(`${label}: (.+)$`, 'm').exec(text);
    if (!match) throw new Error(`/usr/bin/time printed no "${label}":\n${text}`);
    return (match[1] as string).trim();
  };
  const clock = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)').split(':').map(Number);
  const wallS = clock.reduce((total, part) => total * 60 + part, 0);
  return { wallS, userS: Number(field('User time \\(seconds\\)')), sysS: Number(field('System time \\(seconds\\)')), peakRssMB: Number(field('Maximum resident set size \\(kbytes\\)')) / 1_024 };
}

async function runOne(site: string, crawler: string, run: number, origin: string, startPath: string): Promise<ProcessRun> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'sitecrawl-whole-'));
  try {
    const timeFile = path.join(tmp, 'time.txt');
    const command = commandOf(crawler, `${origin}${startPath}`, tmp);
    await serverStats(origin, true);
    const child = spawn(TIME, ['-v', '-o', timeFile, ...command], { cwd: crawler === 'crawlee' || crawler === 'scrapy' ? PEERS_DIR : ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const [code] = (await once(child, 'exit')) as [number | null];
    const stats = await serverStats(origin, false);
    // wget exits 8 when some request answered an error status (a 404 link), which is not a failed run.
    if (code !== 0 && !(crawler === 'wget' && code === 8)) throw new Error(`${crawler} exited with ${code}: ${command.join(' ')}`);
    const time = parseTime(readFileSync(timeFile, 'utf8'));
    const pages = Object.entries(stats.byStatus).reduce((sum, [status, count]) => sum + (status.startsWith('2') ? count : 0), 0);
    return {
      site, crawler, run,
      wallS: time.wallS, userS: time.userS, sysS: time.sysS, peakRssMB: round(time.peakRssMB, 1),
      pages, requests: stats.requests,
      cpuMsPerPage: round(((time.userS + time.sysS) * 1_000) / Math.max(1, pages), 3),
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function withServer<T>(args: string[], body: (origin: string) => Promise<T>): Promise<T> {
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'site-server.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await readPort(server);
    return await body(`http://127.0.0.1:${port}`);
  } finally {
    server.kill('SIGTERM');
    if (server.exitCode === null && server.signalCode === null) await once(server, 'exit');
  }
}

const results: { site: string; medians: CrawlerMedians[]; ratios: Record<string, { speed: number; rss: number; cpu: number }>; runs: ProcessRun[] }[] = [];
for (const key of values.sites.split(',')) {
  const spec = SITES[key];
  if (!spec) throw new Error(`Unknown site ${key} (pg, python, generated)`);
  const dir = spec.serverArgs[0] === '--dir' ? (spec.serverArgs[1] as string) : undefined;
  if (dir !== undefined && !existsSync(dir)) {
    console.error(`${spec.name}: ${dir} missing, skipped (apt-get install -y postgresql-doc-15 python3.11-doc)`);
    continue;
  }
  await withServer(spec.serverArgs, async (origin) => {
    console.error(`\n== ${spec.name}: ${origin}${spec.startPath}, ${runs} run(s), alternating ${crawlers.join(' ')} (each run starting one further); load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);
    const records: ProcessRun[] = [];
    for (let warmUp = 1; warmUp <= warmUps; warmUp++) {
      const record = await runOne(key, crawlers[0] as string, 0, origin, spec.startPath);
      console.error(`warm-up ${warmUp} ${record.crawler}: ${record.wallS.toFixed(2)} s wall, ${record.pages} pages (not counted)`);
    }
    for (let run = 1; run <= runs; run++) {
      // Each run starts one crawler further along, so no crawler always follows the same one: the server (a Node
      // process) and the machine are in a different state after each, and a fixed order once showed as a 15%
      // difference between two builds that ran 7% apart in a balanced order (BENCHMARKS.md, "Sixth session").
      for (const crawler of rotated(crawlers, run - 1)) {
        const record = await runOne(key, crawler, run, origin, spec.startPath);
        records.push(record);
        console.error(`run ${run} ${crawler.padEnd(10)} ${record.wallS.toFixed(2)} s wall, ${record.pages} pages (${record.requests} requests), ` +
          `user ${record.userS} s + sys ${record.sysS} s = ${record.cpuMsPerPage} ms/page, peak RSS ${record.peakRssMB} MB`);
      }
    }
    const medians = crawlers.map((crawler): CrawlerMedians => {
      const own = records.filter((record) => record.crawler === crawler);
      const wallS = median(own.map((record) => record.wallS));
      const pages = median(own.map((record) => record.pages));
      return {
        crawler, wallS: round(wallS, 2), pages,
        pagesPerSecond: round(median(own.map((record) => record.pages / record.wallS)), 1),
        peakRssMB: round(median(own.map((record) => record.peakRssMB)), 1),
        cpuMsPerPage: round(median(own.map((record) => record.cpuMsPerPage)), 3),
      };
    });
    const base = medians[0] as CrawlerMedians;
    const ratios: Record<string, { speed: number; rss: number; cpu: number }> = {};
    for (const peer of medians.slice(1))
      ratios[peer.crawler] = { speed: round(base.pagesPerSecond / peer.pagesPerSecond, 2), rss: round(peer.peakRssMB / base.peakRssMB, 2), cpu: round(peer.cpuMsPerPage / base.cpuMsPerPage, 2) };
    console.error(`-- ${spec.name}, medians:`);
    for (const line of medians) {
      const ratio = ratios[line.crawler];
      console.error(`  ${line.crawler.padEnd(10)} ${line.wallS.toFixed(2).padStart(7)} s  ${String(line.pagesPerSecond).padStart(7)} pages/s  ${String(line.peakRssMB).padStart(6)} MB  ` +
        `${line.cpuMsPerPage} CPU ms/page  ${line.pages} pages` +
        (ratio ? `  | ${crawlers[0]} is ${ratio.speed}x its pages/s (wall ${round(base.wallS / line.wallS, 2)}x its wall); its RSS is ${ratio.rss}x, its CPU/page ${ratio.cpu}x ${crawlers[0]}'s` : ''));
    }
    results.push({ site: spec.name, medians, ratios, runs: records });
  });
}
console.log(JSON.stringify({ concurrency, runs, node: process.version, cpus: os.availableParallelism(), loadAverage: os.loadavg(), results }));
