/**
 * The process of one job, started by the server with `child_process.fork`: it runs the library's crawler for the
 * job's mode into the job's folder and reports over IPC (`progress` snapshots, then `end` with the summary, or
 * `error`). SIGINT or SIGTERM (a cancel, or the server stopping) stops the crawl the way Ctrl-C stops the CLI:
 * requests in flight get `stopGraceMs`, every output is flushed, and a persisted run's state is marked interrupted.
 * A lost IPC channel (the server died) stops it too.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { AuditCrawler } from '../audit/audit-crawler.js';
import { Crawler } from '../crawler/crawler.js';
import type { CrawlerOptions } from '../crawler/options.js';
import { isPublicAddress } from '../crawler/public-address.js';
import { CrawlError } from '../errors.js';
import type { Awaitable, FoundLink } from '../extractors/extractor.js';
import { looksLikeImageUrl } from '../extractors/image-elements.js';
import { ImageExtractor } from '../extractors/images.js';
import { LinkExtractor } from '../extractors/links.js';
import { TitleExtractor } from '../extractors/title.js';
import { ImageSaver } from '../savers/image-saver.js';
import { splitModeOptions } from './job-request.js';
import { JOB_STATE_FILE, countersOf } from './job-types.js';
import type { JobMode } from './job-types.js';

/** What the server asks a job process to do (its first IPC message). */
export interface RunnerSpec {
  mode: JobMode;
  urls: string[];
  options: Record<string, unknown>;
  /** The job's folder: every output goes there. */
  outDir: string;
  /** Refuse private, loopback and link-local addresses at connect time. */
  denyPrivate: boolean;
  /** Continue the persisted run in `outDir`, instead of starting afresh. */
  resume: boolean;
  progressIntervalMs: number;
}

/** What a job process tells the server. */
export type RunnerMessage =
  | { type: 'progress'; counters: ReturnType<typeof countersOf> }
  | { type: 'end'; summary: Record<string, unknown> }
  | { type: 'error'; error: { code: string; message: string } };

/** The crawler of the images mode: links to image files are downloads, never pages (as `sitecrawl images`). */
class ImageCrawler extends Crawler {
  protected override shouldEnqueue(link: FoundLink): Awaitable<boolean> {
    return !looksLikeImageUrl(link.url);
  }
}


function send(message: RunnerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function run(spec: RunnerSpec, signal: AbortSignal): Promise<Record<string, unknown>> {
  const destination = pino.destination({ dest: join(spec.outDir, 'job.log'), sync: false, mkdir: true });
  // The job's log (job.log) is the crawl's log: its level is the job's `logLevel` option (the library's default, info).
  const level = typeof spec.options['logLevel'] === 'string' ? spec.options['logLevel'] : 'info';
  const logger = pino({ level, base: { name: 'sitecrawl' } }, destination);
  const split = splitModeOptions(spec.mode, spec.urls, spec.options);
  const base: CrawlerOptions = {
    ...split.crawl,
    logger,
    progressIntervalMs: spec.progressIntervalMs,
    ...(spec.denyPrivate ? { denyPrivateAddresses: isPublicAddress } : {}),
  };
  const persist = { persist: { path: join(spec.outDir, JOB_STATE_FILE) } };
  try {
    let crawler: Crawler;
    let finish: (summary: Record<string, unknown>) => Promise<Record<string, unknown>> = async (summary) => summary;
    if (spec.mode === 'crawl') {
      crawler = new Crawler({ ...base, ...persist, signal, outDir: spec.outDir, extractors: [new LinkExtractor(), new TitleExtractor()] });
    } else if (spec.mode === 'images') {
      const saver = new ImageSaver({ ...split.saver, outDir: spec.outDir, skipSaved: spec.resume });
      crawler = new ImageCrawler({
        ...base, ...persist, outDir: spec.outDir,
        extractors: [new LinkExtractor(), new ImageExtractor(split.extractor)],
        savers: [saver],
        signal: AbortSignal.any([saver.limitReached, signal]),
      });
      finish = async (summary) => ({ ...summary, ...(saver.limitReached.aborted && !signal.aborted ? { stopReason: 'max-images' } : {}) });
    } else {
      // A persisted audit writes pages.jsonl and records.jsonl itself, and a resumed one rebuilds its report from them.
      const audit = new AuditCrawler({ ...base, ...split.audit, ...persist, signal, outDir: spec.outDir });
      crawler = audit;
      finish = async (summary) => {
        const report = audit.report(summary as never);
        await audit.writeReport(report);
        return { ...summary, audit: report.summary };
      };
    }
    crawler.on('progress', (progress) => void send({ type: 'progress', counters: countersOf(progress) }));
    const summary = await crawler.run();
    return await finish({ ...summary });
  } finally {
    destination.flushSync();
  }
}

function errorOf(error: unknown): { code: string; message: string } {
  if (error instanceof CrawlError) return { code: error.code, message: error.message };
  return { code: 'job-failed', message: error instanceof Error ? error.message : String(error) };
}

/** Waits for the spec, runs the job, reports and exits (0 after `end`, 1 after `error`). */
function main(): void {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  process.once('message', (spec: RunnerSpec) => {
    run(spec, controller.signal).then(
      async (summary) => {
        await send({ type: 'end', summary });
        process.exit(0);
      },
      async (error: unknown) => {
        await send({ type: 'error', error: errorOf(error) });
        process.exit(1);
      },
    );
  });
}

// Only as the forked entry point: importing this module (for its types) runs nothing.
if (process.send && process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
