/**
 * One measured Crawlee crawl for `bench/peers.ts`, in a fresh process so its peak RSS is its own:
 *
 *   node bench/peers/crawlee-once.mjs --url http://127.0.0.1:PORT/ [--concurrency 32]
 *
 * CheerioCrawler (@crawlee/cheerio 3, installed only here: `cd bench/peers && npm install`) with min = max concurrency,
 * same-hostname scope, no depth limit, in-memory storage (persistStorage: false, purgeOnStart) and robots.txt ignored
 * (Crawlee's default). Everything else is Crawlee's default, including 3 retries, the session pool and the autoscaled
 * pool's system-status checks. Prints one JSON line like `bench/crawl-once.ts`. Module loading and crawler construction
 * are outside the measurement.
 */
import { parseArgs } from 'node:util';
import { CheerioCrawler, Configuration, log } from '@crawlee/cheerio';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    concurrency: { type: 'string', default: '32' },
  },
});
if (values.url === undefined) throw new Error('Expected --url http://127.0.0.1:PORT/');
const concurrency = Number(values.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`Expected --concurrency >= 1, got ${values.concurrency}`);

log.setLevel(log.LEVELS.OFF);
const config = new Configuration({ persistStorage: false, purgeOnStart: true });
let pages = 0;
let failed = 0;
const crawler = new CheerioCrawler(
  {
    minConcurrency: concurrency,
    maxConcurrency: concurrency,
    respectRobotsTxtFile: false,
    async requestHandler({ enqueueLinks }) {
      pages++;
      await enqueueLinks({ strategy: 'same-hostname' });
    },
    failedRequestHandler() {
      failed++;
    },
  },
  config,
);

const cpuBefore = process.cpuUsage();
const started = performance.now();
const stats = await crawler.run([values.url]);
const elapsedMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
console.log(
  JSON.stringify({
    engine: 'crawlee',
    pages,
    failed,
    elapsedMs: Math.round(elapsedMs),
    pagesPerSecond: Math.round((pages / elapsedMs) * 1_000 * 10) / 10,
    cpuUserMs: Math.round(cpu.user / 1_000),
    cpuSystemMs: Math.round(cpu.system / 1_000),
    cpuMs: Math.round((cpu.user + cpu.system) / 1_000),
    peakRssBytes: process.resourceUsage().maxRSS * 1_024,
    reportedFinished: stats.requestsFinished,
    reportedFailed: stats.requestsFailed,
    // retryHistogram[i] = requests that needed i retries.
    retries: stats.retryHistogram.reduce((sum, count, index) => sum + (count ?? 0) * index, 0),
  }),
);
