import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { ImageRecord } from '../savers/image-manifest.js';
import type { CheckResult } from '../audit/link-checker.js';
import { FAIL_ON_LEVELS } from '../audit/options.js';
import type { FailOn } from '../audit/options.js';
import type { PageRecord } from '../crawler/page-record.js';
import type { SitemapScan } from '../crawler/sitemap-loader.js';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { SharedStateError } from '../errors.js';
import type { RedisCrawlState } from '../storage/redis/redis-crawl-state.js';
import type { CrawlStatus } from '../storage/redis/crawl-status.js';
import { UsageError, integerFlag } from './args.js';
import { OutDirRefused, claimOutDir } from './out-dir.js';
import { EXIT } from './run-crawler.js';
import type { CliStreams } from './run-crawler.js';

const SHARED_FLAGS = {
  redis: { type: 'string' },
  'crawl-id': { type: 'string' },
  'redis-retry': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Help text of `sitecrawl export`. */
export const EXPORT_HELP = `Usage: sitecrawl export --redis URL --crawl-id NAME -o OUT [--overwrite]

Writes what the workers of a shared crawl recorded to OUT/pages.jsonl (one record per URL: a page fetched twice,
after a worker died, is kept once) and OUT/records.jsonl (the records of those pages); for an images crawl also
OUT/images.jsonl (the workers' image records merged: one per content, one per rejected URL); for an audit
OUT/audit.json, OUT/audit.csv and OUT/report.html, judged from every worker's pages and link checks. Works while the crawl runs too
(what is settled so far).

Options:
      --redis URL          redis://HOST:PORT/DB the workers use
      --crawl-id NAME      the crawl's id
  -o, --out DIR            output directory
      --overwrite          replace an earlier run's outputs in DIR
      --fail-on LEVEL      an audit's failure level in audit.json: broken | redirects | titles | none (default broken)
  -h, --help               show this help

Exit codes: 0 written, 1 writing failed, 2 usage error, unknown crawl id or Redis unreachable.
`;

/** Help text of `sitecrawl status`. */
export const STATUS_HELP = `Usage: sitecrawl status --redis URL --crawl-id NAME [--json]

Prints the progress of a shared crawl: its state and depth, pages fetched and failed, requests queued per depth and
in flight, workers alive, and failures by code.

Options:
      --redis URL          redis://HOST:PORT/DB the workers use
      --crawl-id NAME      the crawl's id
      --json               print one JSON object instead
  -h, --help               show this help

Exit codes: 0 printed, 2 usage error, unknown crawl id or Redis unreachable.
`;

interface Target {
  url: string;
  crawlId: string;
  retryMs: number;
  values: Record<string, string | boolean | undefined>;
}

function parseTarget(argv: readonly string[], extra: Record<string, { type: 'string' | 'boolean'; short?: string }>): Target | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...SHARED_FLAGS, ...extra }, allowPositionals: false, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values['help']) return 'help';
  const url = values['redis'];
  const crawlId = values['crawl-id'];
  if (typeof url !== 'string') throw new UsageError('--redis URL is required');
  if (!URL.canParse(url) || !/^rediss?:$/.test(new URL(url).protocol)) throw new UsageError(`--redis expects a redis:// URL, got ${JSON.stringify(url)}`);
  if (typeof crawlId !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(crawlId)) throw new UsageError('--crawl-id NAME is required (letters, digits, ., _, -)');
  const retryMs = integerFlag('redis-retry', typeof values['redis-retry'] === 'string' ? values['redis-retry'] : undefined, 0) ?? 5000;
  return { url, crawlId, retryMs, values };
}

/** Runs `body` on the crawl's state, mapping the shared state's errors to exit codes and closing the connection. */
async function withCrawl(name: string, help: string, argv: readonly string[], extra: Record<string, { type: 'string' | 'boolean'; short?: string }>, streams: CliStreams, body: (state: RedisCrawlState, target: Target) => Promise<number>): Promise<number> {
  let target: Target | 'help';
  try {
    target = parseTarget(argv, extra);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    streams.stderr.write(`sitecrawl ${name}: ${error.message}\nTry 'sitecrawl ${name} --help'.\n`);
    return EXIT.usage;
  }
  if (target === 'help') {
    streams.stdout.write(help);
    return EXIT.ok;
  }
  const { RedisCrawlState } = await import('../storage/redis/redis-crawl-state.js');
  let state: RedisCrawlState | undefined;
  try {
    state = await RedisCrawlState.open({ url: target.url, crawlId: target.crawlId, retryMs: target.retryMs });
    if (!(await state.exists())) throw new SharedStateError('crawl-unknown', `No crawl ${JSON.stringify(target.crawlId)} in Redis at ${target.url}`);
    return await body(state, target);
  } catch (error) {
    if (error instanceof SharedStateError || error instanceof OutDirRefused) {
      streams.stderr.write(`sitecrawl ${name}: ${error.message}\n`);
      return error instanceof SharedStateError && error.code === 'redis-lost' ? EXIT.failed : EXIT.usage;
    }
    throw error;
  } finally {
    await state?.close();
  }
}

/** `sitecrawl export --redis URL --crawl-id NAME -o OUT`: the merged, deduplicated results of a shared crawl. */
export function exportCommand(argv: readonly string[], streams: CliStreams): Promise<number> {
  const extra = { out: { type: 'string', short: 'o' }, overwrite: { type: 'boolean' }, 'fail-on': { type: 'string' } } as const;
  return withCrawl('export', EXPORT_HELP, argv, extra, streams, async (state, { values }) => {
    const outDir = values['out'];
    if (typeof outDir !== 'string') {
      streams.stderr.write("sitecrawl export: -o OUT is required\nTry 'sitecrawl export --help'.\n");
      return EXIT.usage;
    }
    await claimOutDir(outDir, { overwrite: values['overwrite'] === true });
    const pagesFile = createWriteStream(join(outDir, 'pages.jsonl'));
    const recordsFile = createWriteStream(join(outDir, 'records.jsonl'));
    const failOn = values['fail-on'];
    if (failOn !== undefined && !(FAIL_ON_LEVELS as readonly unknown[]).includes(failOn)) {
      streams.stderr.write(`sitecrawl export: --fail-on expects one of ${FAIL_ON_LEVELS.join(', ')}, got ${JSON.stringify(failOn)}\n`);
      return EXIT.usage;
    }
    const command = await state.command();
    // An audit is judged from every page and record: kept for the report.
    const audit = command.name === 'audit' ? { pages: [] as PageRecord[], records: [] as Record<string, unknown>[] } : undefined;
    const kept = new Set<string>();
    let duplicates = 0;
    for await (const result of state.results()) {
      if (kept.has(result.url)) {
        duplicates++;
        continue;
      }
      kept.add(result.url);
      if (!pagesFile.write(`${result.page}\n`)) await new Promise<void>((resolve) => pagesFile.once('drain', () => resolve()));
      const records = JSON.parse(result.records) as Record<string, unknown>[];
      for (const record of records) recordsFile.write(`${JSON.stringify(record)}\n`);
      if (audit) {
        audit.pages.push(JSON.parse(result.page) as PageRecord);
        audit.records.push(...records);
      }
    }
    pagesFile.end();
    recordsFile.end();
    await Promise.all([finished(pagesFile), finished(recordsFile)]);
    streams.stderr.write(`sitecrawl export: ${kept.size} pages to ${join(outDir, 'pages.jsonl')}${duplicates ? ` (${duplicates} repeated fetches left out)` : ''}\n`);
    if (audit) await exportAudit(state, command.options, audit, outDir, streams, failOn as FailOn | undefined);
    if (command.name === 'images') {
      const { mergeImageRecords } = await import('../savers/image-records-merge.js');
      const shared: ImageRecord[] = [];
      const sightings: { url: string; pages: string[] }[] = [];
      for await (const item of state.sharedRecords())
        if (item.kind === 'image') shared.push(JSON.parse(item.record) as ImageRecord);
        else if (item.kind === 'image-pages') sightings.push(JSON.parse(item.record) as { url: string; pages: string[] });
      const images = mergeImageRecords(shared, sightings);
      await writeFile(join(outDir, 'images.jsonl'), images.map((record) => `${JSON.stringify(record)}\n`).join(''));
      streams.stderr.write(`sitecrawl export: ${images.length} image records to ${join(outDir, 'images.jsonl')} (files stay under each worker's -o)\n`);
    }
    return EXIT.ok;
  });
}

/** Writes audit.json, audit.csv and report.html of a shared audit, from its pages and the link checks shared. */
async function exportAudit(state: RedisCrawlState, stored: Record<string, unknown>, crawled: { pages: PageRecord[]; records: Record<string, unknown>[] }, outDir: string, streams: CliStreams, failOn: FailOn | undefined): Promise<void> {
  const [{ buildSharedAuditReport }, { writeAuditFiles }] = await Promise.all([import('../audit/shared-report.js'), import('../audit/report-files.js')]);
  const checks = new Map<string, CheckResult>();
  let sitemaps: SitemapScan | undefined;
  for await (const item of state.sharedRecords()) {
    if (item.kind === 'check') {
      const check = JSON.parse(item.record) as CheckResult;
      if (!checks.has(check.url)) checks.set(check.url, check);
    } else if (item.kind === 'sitemaps') sitemaps ??= JSON.parse(item.record) as SitemapScan;
  }
  // Read once for all workers (see `runOnceTask`); crawls of earlier versions shared each worker's scan.
  const { readOnceResult } = await import('../storage/redis/redis-once-task.js');
  sitemaps = (await readOnceResult<SitemapScan>(state.redis, state.keys, 'sitemaps')) ?? sitemaps;
  const status = await state.redis.hmget(state.keys.meta, 'stopReason', 'startedAt', 'finishedAt');
  const [stopReason, startedAt, finishedAt] = status;
  const elapsedMs = startedAt ? Math.max(0, Number(finishedAt ?? Date.now()) - Number(startedAt)) : 0;
  const report = buildSharedAuditReport({ stored, ...crawled, checks, sitemaps, crawl: { stopReason: stopReason ?? 'running', elapsedMs }, failOn });
  const written = await writeAuditFiles(report, outDir);
  streams.stderr.write(`sitecrawl export: audit of ${crawled.pages.length} pages and ${checks.size} link checks to ${written.join(', ')}\n`);
}

/** `sitecrawl status --redis URL --crawl-id NAME`: a shared crawl's progress. */
export function statusCommand(argv: readonly string[], streams: CliStreams): Promise<number> {
  return withCrawl('status', STATUS_HELP, argv, { json: { type: 'boolean' } }, streams, async (state, { values }) => {
    const { readCrawlStatus } = await import('../storage/redis/crawl-status.js');
    // Workers renew every leaseMs / 3 (10 s by default): one silent for 45 s is taken for dead.
    const status = await readCrawlStatus(state, 45_000);
    if (!status) throw new SharedStateError('crawl-unknown', `No crawl ${JSON.stringify(state.keys.crawlId)}`);
    streams.stdout.write(values['json'] ? `${JSON.stringify(status)}\n` : formatStatus(status));
    return EXIT.ok;
  });
}

/** `crawl --redis ... --crawl-id NAME --clear`: removes a finished crawl's keys. */
export function clearCrawl(url: string, crawlId: string, streams: CliStreams): Promise<number> {
  return withCrawl('crawl', '', ['--redis', url, '--crawl-id', crawlId], {}, streams, async (state) => {
    const { readCrawlStatus } = await import('../storage/redis/crawl-status.js');
    const status = await readCrawlStatus(state, 45_000);
    if (status && status.status === 'running' && status.workersAlive > 0) {
      streams.stderr.write(`sitecrawl crawl: --clear: the crawl ${crawlId} is running (${status.workersAlive} workers alive): stop them first\n`);
      return EXIT.usage;
    }
    const removed = await state.clear();
    streams.stderr.write(`sitecrawl crawl: removed the crawl ${crawlId} (${removed} keys)\n`);
    return EXIT.ok;
  });
}

/** The status as a few readable lines. Pure. */
export function formatStatus(status: CrawlStatus): string {
  const queued = Object.entries(status.queued).map(([depth, count]) => `depth ${depth}: ${count}`).join(', ') || 'none';
  const errors = Object.entries(status.errors).map(([code, count]) => `${code} ${count}`).join(', ') || 'none';
  const state = status.status === 'running' ? `running, depth ${status.depth}` : `finished (${status.stopReason ?? 'completed'})`;
  return [
    `crawl ${status.crawlId} (${status.command}): ${state}`,
    `pages ${status.pages} (${status.failed} failed), seen ${status.seen}, in flight ${status.leased}`,
    `queued: ${queued}`,
    `workers alive: ${status.workersAlive}`,
    `errors: ${errors}`,
    '',
  ].join('\n');
}
