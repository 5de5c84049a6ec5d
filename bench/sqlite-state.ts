/**
 * The SQLite crawl state (`src/storage/sqlite`) under load, each measure in its own process so peak RSS is its own:
 *
 * - `frontier`: `--urls` (2,000,000) URLs admitted into the persisted seen-set and frontier, committed in batches of
 *   `--batch` (1,000: 20 pages of 50 new links), then drained the way the engine takes a level (256 at a time, each
 *   take marked done and committed). Time, peak RSS, file size.
 * - `reopen`: a state of `--seen` (1,000,000) URLs (seen-set and frontier) is written and closed, then a fresh process
 *   opens it and answers the first batch (`has` of 100 URLs, `take` of 256, a commit): time to that point and RSS.
 *   `PRAGMA quick_check` on the same file is timed after, for the record (open does not run it).
 * - `inserts`: `--inserts` (200,000) new URLs admitted in batches of 100, one commit per batch, against the memory
 *   stores (`FingerprintSeenSet` + `MemoryFrontierStore`) doing the same: URLs per CPU second (the machine is
 *   shared, so wall-clock rates vary with its load; both are printed).
 *
 *   node --import tsx bench/sqlite-state.ts [--phase all|frontier|reopen|inserts] [--urls N] [--seen N] [--inserts N]
 *
 * Prints one JSON line per measure, then a readable line. Files go in a temporary directory, removed at the end.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { FingerprintSeenSet } from '../src/storage/fingerprint-seen-set.js';
import { MemoryFrontierStore } from '../src/storage/frontier-store.js';
import type { CrawlRequest } from '../src/storage/frontier-store.js';
import { CrawlStateDb } from '../src/storage/sqlite/crawl-state-db.js';
import { syntheticUrls } from './synthetic-urls.js';

const { values } = parseArgs({
  options: {
    phase: { type: 'string', default: 'all' },
    urls: { type: 'string', default: '2000000' },
    batch: { type: 'string', default: '1000' },
    seen: { type: 'string', default: '1000000' },
    inserts: { type: 'string', default: '200000' },
    path: { type: 'string' },
  },
});

const peakRssMB = () => Number((process.resourceUsage().maxRSS / 1024).toFixed(1));
const fileMB = (path: string) => Number((statSync(path).size / 1024 / 1024).toFixed(1));
const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};
const round = (value: number) => Number(value.toFixed(2));
const seconds = (since: number) => Number(((performance.now() - since) / 1000).toFixed(2));
const report = (result: Record<string, unknown>, line: string) => process.stdout.write(`${JSON.stringify(result)}\n${line}\n`);
const requests = (start: number, count: number, depth: number): CrawlRequest[] =>
  syntheticUrls(start, count).map((url) => ({ url, depth, parent: 'https://www.site-0.example.com/parent/page.html' }));

function frontierPhase(dir: string): void {
  const total = Number(values.urls);
  const batch = Number(values.batch);
  const path = join(dir, 'frontier.db');
  const db = CrawlStateDb.open(path);
  const started = performance.now();
  const cpuStarted = cpuSeconds();
  for (let index = 0; index < total; index += batch) db.commitBatch({ admitted: requests(index, Math.min(batch, total - index), 1) });
  const pushSeconds = seconds(started);
  const pushCpuSeconds = round(cpuSeconds() - cpuStarted);
  const pushRssMB = peakRssMB();
  const drainStarted = performance.now();
  const drainCpuStarted = cpuSeconds();
  let drained = 0;
  for (let taken = db.frontier.take(1, 256); taken.length > 0; taken = db.frontier.take(1, 256)) {
    drained += taken.length;
    db.commitBatch({ done: taken.map((request) => request.url) });
  }
  const drainSeconds = seconds(drainStarted);
  const drainCpuSeconds = round(cpuSeconds() - drainCpuStarted);
  db.close();
  const result = { measure: 'frontier', urls: total, batch, pushSeconds, pushCpuSeconds, urlsPerSecond: Math.round(total / pushSeconds), pushPeakRssMB: pushRssMB, drained, drainSeconds, drainCpuSeconds, peakRssMB: peakRssMB(), fileMB: fileMB(path), node: process.version };
  report(result, `frontier: ${total.toLocaleString('en')} URLs admitted in batches of ${batch} in ${pushSeconds} s (CPU ${pushCpuSeconds} s, ${result.urlsPerSecond.toLocaleString('en')} URLs/s), peak RSS ${pushRssMB} MB; drained in ${drainSeconds} s (CPU ${drainCpuSeconds} s) (peak RSS ${result.peakRssMB} MB); file ${result.fileMB} MB`);
}

function reopenPhase(dir: string): void {
  const total = Number(values.seen);
  const path = join(dir, 'reopen.db');
  const db = CrawlStateDb.open(path);
  const started = performance.now();
  for (let index = 0; index < total; index += 10_000) db.commitBatch({ admitted: requests(index, Math.min(10_000, total - index), 1) });
  db.close();
  const writeSeconds = seconds(started);
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--phase', 'open-only', '--path', path, '--seen', String(total)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`open-only failed: ${child.stderr}`);
  const opened = JSON.parse(child.stdout) as Record<string, number>;
  const result = { measure: 'reopen', seen: total, writeSeconds, fileMB: fileMB(path), ...opened, node: process.version };
  report(result, `reopen: a state of ${total.toLocaleString('en')} URLs (${result.fileMB} MB) opened and answered its first batch in ${opened['firstBatchSeconds']} s (CPU ${opened['firstBatchCpuSeconds']} s; open ${opened['openSeconds']} s), RSS ${opened['peakRssMB']} MB; quick_check ${opened['quickCheckSeconds']} s`);
}

function openOnly(): void {
  const path = values.path as string;
  const started = performance.now();
  const cpuStarted = cpuSeconds();
  const db = CrawlStateDb.open(path);
  const openSeconds = seconds(started);
  const probe = syntheticUrls(Number(values.seen) - 50, 100);
  const known = db.seen.has(probe).filter(Boolean).length;
  const taken = db.frontier.take(1, 256);
  db.commitBatch({ done: taken.map((request) => request.url) });
  const firstBatchSeconds = seconds(started);
  const firstBatchCpuSeconds = round(cpuSeconds() - cpuStarted);
  const rss = peakRssMB();
  db.close();
  const raw = new Database(path);
  const checkStarted = performance.now();
  const check = raw.pragma('quick_check', { simple: true });
  const quickCheckSeconds = seconds(checkStarted);
  raw.close();
  process.stdout.write(JSON.stringify({ openSeconds, firstBatchSeconds, firstBatchCpuSeconds, known, taken: taken.length, peakRssMB: rss, quickCheckSeconds, quickCheck: check }));
}

function insertsPhase(dir: string): void {
  const total = Number(values.inserts);
  const batches = Array.from({ length: Math.ceil(total / 100) }, (_, index) => requests(index * 100, 100, 1));
  const seen = new FingerprintSeenSet();
  const frontier = new MemoryFrontierStore();
  let started = cpuSeconds();
  for (const batch of batches) {
    const added = seen.add(batch.map((request) => request.url));
    frontier.push(batch.filter((_, index) => added[index]));
  }
  const memorySeconds = cpuSeconds() - started;
  const db = CrawlStateDb.open(join(dir, 'inserts.db'));
  started = cpuSeconds();
  const wallStarted = performance.now();
  for (const batch of batches) db.commitBatch({ admitted: batch });
  const sqliteSeconds = cpuSeconds() - started;
  const sqliteWallSeconds = seconds(wallStarted);
  db.close();
  const result = {
    measure: 'inserts',
    urls: total,
    batch: 100,
    memoryUrlsPerSecond: Math.round(total / memorySeconds),
    sqliteUrlsPerSecond: Math.round(total / sqliteSeconds),
    sqliteCommitsPerSecond: Math.round(batches.length / sqliteSeconds),
    sqliteWallUrlsPerSecond: Math.round(total / sqliteWallSeconds),
    node: process.version,
  };
  report(result, `inserts: batches of 100 new URLs, per CPU second: memory ${result.memoryUrlsPerSecond.toLocaleString('en')} URLs/s, SQLite (one commit per batch) ${result.sqliteUrlsPerSecond.toLocaleString('en')} URLs/s = ${result.sqliteCommitsPerSecond.toLocaleString('en')} commits/s (wall clock: ${result.sqliteWallUrlsPerSecond.toLocaleString('en')} URLs/s)`);
}

const phases: Record<string, (dir: string) => void> = { frontier: frontierPhase, reopen: reopenPhase, inserts: insertsPhase };
if (values.phase === 'open-only') openOnly();
else if (values.phase === 'all') {
  for (const phase of ['inserts', 'reopen', 'frontier']) {
    const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--phase', phase, '--urls', values.urls, '--batch', values.batch, '--seen', values.seen, '--inserts', values.inserts];
    const child = spawnSync(process.execPath, args, { stdio: 'inherit' });
    if (child.status !== 0) process.exitCode = 1;
  }
} else {
  const run = phases[values.phase];
  if (!run) throw new Error(`Unknown phase ${values.phase}`);
  const dir = mkdtempSync(join(tmpdir(), 'sitecrawl-sqlite-bench-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
