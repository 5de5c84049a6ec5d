/**
 * One measured crawl, run by `bench/run.ts` in a fresh child process so every run starts cold and its peak RSS is its own:
 *
 *   node bench/.build/bench/crawl-once.js --url http://127.0.0.1:PORT/ [--concurrency 16] [--engine sitecrawl|minimal] [--out DIR]
 *     [--workers N] [--audit] [--selectors FILE] [--persist STATE.db]
 *
 * Prints one JSON line ({@link CrawlResult}) on stdout. CPU time is measured from just before the crawl starts (module
 * loading and TypeScript compilation are excluded); peak RSS is the process's lifetime maximum.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { tuneProcessForCrawl } from '../src/cli/process-tuning.js';
import { minimalCrawl } from './minimal-crawl.js';

/** The line `crawl-once.ts` prints. */
export interface CrawlResult {
  engine: Engine;
  /** Pages fetched, as the engine counts them. */
  pages: number;
  failed: number;
  elapsedMs: number;
  pagesPerSecond: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** User + system CPU of this process during the crawl. */
  cpuMs: number;
  /** `process.resourceUsage().maxRSS * 1024`. */
  peakRssBytes: number;
  /** The engine's own elapsed time, when it reports one (sitecrawl's `summary.elapsedMs`). */
  reportedElapsedMs?: number;
  /** Records written, with `--selectors` (to compare with the peer's). */
  records?: number;
}

/** Crawl engines the harness can run. */
export type Engine = 'sitecrawl' | 'minimal';

interface EngineSummary {
  pages: number;
  failed: number;
  records?: number;
  elapsedMs?: number;
}

interface CrawlSettings {
  url: string;
  concurrency: number;
  outDir: string | undefined;
  /** sitecrawl's parse workers; undefined keeps its default (one per CPU). */
  workers: number | undefined;
  /** Add the AuditExtractor, which reads the whole tree (no streaming pass). */
  audit: boolean;
  /**
   * A JSON file of `SelectorExtractor` options (`peers/selector-workload.json`): crawl with LinkExtractor and that
   * SelectorExtractor instead of LinkExtractor and TitleExtractor.
   */
  selectors: string | undefined;
  /** Keep the crawl's state in this SQLite file (`persist: { path }`). */
  persist: string | undefined;
}

/** Loads the engine, then returns a function that runs one crawl, so loading stays out of the measurement. */
async function prepare(engine: Engine, settings: CrawlSettings): Promise<() => Promise<EngineSummary>> {
  if (engine === 'minimal') {
    return () => minimalCrawl({ startUrl: settings.url, concurrency: settings.concurrency, outDir: settings.outDir });
  }
  // The package by its own name (its "exports": dist/), so the compiled runner in bench/.build/ finds it too.
  const { AuditExtractor, Crawler, LinkExtractor, SelectorExtractor, TitleExtractor } = await import('sitecrawl');
  const selectors = settings.selectors === undefined ? undefined : new SelectorExtractor(JSON.parse(readFileSync(settings.selectors, 'utf8')));
  const crawler = new Crawler({
    startUrls: [settings.url],
    maxDepth: 100,
    concurrency: settings.concurrency,
    perHost: settings.concurrency,
    logLevel: 'silent',
    obeyRobots: true,
    extractors: [new LinkExtractor(), selectors ?? new TitleExtractor(), ...(settings.audit ? [new AuditExtractor()] : [])],
    ...(settings.outDir !== undefined && { outDir: settings.outDir }),
    ...(settings.workers !== undefined && { workers: settings.workers }),
    ...(settings.persist !== undefined && { persist: { path: settings.persist } }),
  });
  return async () => {
    const summary = await crawler.run();
    return { pages: summary.pages, failed: summary.failed, elapsedMs: summary.elapsedMs, ...(selectors && { records: summary.records }) };
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      concurrency: { type: 'string', default: '16' },
      workers: { type: 'string' },
      engine: { type: 'string', default: 'sitecrawl' },
      out: { type: 'string' },
      audit: { type: 'boolean', default: false },
      selectors: { type: 'string' },
      persist: { type: 'string' },
    },
  });
  const engine = values.engine;
  if (engine !== 'sitecrawl' && engine !== 'minimal') throw new Error(`Expected --engine sitecrawl|minimal, got ${engine}`);
  // The same process tuning as the sitecrawl CLI (src/cli/main.ts), so the bench measures what `sitecrawl crawl` does.
  if (engine === 'sitecrawl') tuneProcessForCrawl();
  if (values.url === undefined) throw new Error('Expected --url http://127.0.0.1:PORT/');
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`Expected --concurrency >= 1, got ${values.concurrency}`);

  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0)) throw new Error(`Expected --workers >= 0, got ${values.workers}`);
  const crawl = await prepare(engine, { url: values.url, concurrency, outDir: values.out, workers, audit: values.audit, selectors: values.selectors, persist: values.persist });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const summary = await crawl();
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const result: CrawlResult = {
    engine,
    pages: summary.pages,
    failed: summary.failed,
    elapsedMs: Math.round(elapsedMs),
    pagesPerSecond: Math.round((summary.pages / elapsedMs) * 1_000 * 10) / 10,
    cpuUserMs: Math.round(cpu.user / 1_000),
    cpuSystemMs: Math.round(cpu.system / 1_000),
    cpuMs: Math.round((cpu.user + cpu.system) / 1_000),
    peakRssBytes: process.resourceUsage().maxRSS * 1_024,
    ...(summary.elapsedMs !== undefined && { reportedElapsedMs: Math.round(summary.elapsedMs) }),
    ...(summary.records !== undefined && { records: summary.records }),
  };
  console.log(JSON.stringify(result));
}

await main();
