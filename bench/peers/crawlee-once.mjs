/**
 * One measured Crawlee crawl for `bench/peers.ts`, in a fresh process so its peak RSS is its own:
 *
 *   node bench/peers/crawlee-once.mjs --url http://127.0.0.1:PORT/ [--concurrency 32] [--selectors FILE]
 *
 * CheerioCrawler (@crawlee/cheerio 3, installed only here: `cd bench/peers && npm install`) with min = max concurrency,
 * same-hostname scope, no depth limit, in-memory storage (persistStorage: false, purgeOnStart) and robots.txt ignored
 * (Crawlee's default). Everything else is Crawlee's default, including 3 retries, the session pool and the autoscaled
 * pool's system-status checks. Prints one JSON line like `bench/crawl-once.ts`. Module loading and crawler construction
 * are outside the measurement.
 *
 * With `--selectors FILE` (`selector-workload.json`, the options of sitecrawl's SelectorExtractor that `crawl-once.ts
 * --selectors` runs), each page also makes the same records with cheerio's `$`, the way a Crawlee user writes it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CheerioCrawler, Configuration, log } from '@crawlee/cheerio';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    concurrency: { type: 'string', default: '32' },
    selectors: { type: 'string' },
  },
});
if (values.url === undefined) throw new Error('Expected --url http://127.0.0.1:PORT/');
const concurrency = Number(values.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`Expected --concurrency >= 1, got ${values.concurrency}`);

const workload = values.selectors === undefined ? undefined : JSON.parse(readFileSync(values.selectors, 'utf8'));
// The long form of every field, as SelectorExtractor reads the short ones: 'h2' is text, ['a', 'href'] an attribute.
const fields = Object.entries(workload?.fields ?? {}).map(([name, field]) =>
  typeof field === 'string' ? { name, selector: field } : Array.isArray(field) ? { name, selector: field[0], attr: field[1] } : { name, ...field });
const collapse = (text) => text.replace(/\s+/g, ' ').trim();
let records = 0;

/** The records SelectorExtractor would make of this page, made with `$`. */
function select($, url) {
  return $(workload.item)
    .map((_, item) => {
      const record = { type: workload.name, url };
      for (const field of fields) {
        const value = (element) => {
          if (field.attr === undefined) return collapse($(element).text());
          const attribute = $(element).attr(field.attr);
          if (attribute === undefined || !field.resolve) return attribute ?? null;
          try {
            return new URL(attribute.trim(), url).href;
          } catch {
            return null;
          }
        };
        const found = $(item).find(field.selector);
        record[field.name] = field.all ? found.map((_, element) => value(element)).get().filter((v) => v !== null) : found.length > 0 ? value(found[0]) : null;
      }
      return record;
    })
    .get();
}

log.setLevel(log.LEVELS.OFF);
const config = new Configuration({ persistStorage: false, purgeOnStart: true });
let pages = 0;
let failed = 0;
const crawler = new CheerioCrawler(
  {
    minConcurrency: concurrency,
    maxConcurrency: concurrency,
    respectRobotsTxtFile: false,
    async requestHandler({ $, request, enqueueLinks }) {
      pages++;
      if (workload !== undefined) records += select($, request.loadedUrl ?? request.url).length;
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
    ...(workload !== undefined && { records }),
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
