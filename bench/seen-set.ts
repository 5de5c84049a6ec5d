/**
 * Seen-set memory and speed: inserts N deterministic synthetic URLs (57-91 characters, mean 74.5) into a seen-set and
 * measures bytes per URL, inserts/s and lookups/s, per second of wall time and of the process's CPU time (steadier on a
 * shared machine). Each (implementation, N) runs in its own child process with `--expose-gc`, so one measurement's
 * garbage never shows in another.
 *
 *   node --import tsx bench/seen-set.ts [--counts 1000000,10000000] [--memory-max 10000000] [--presize]
 *
 * `MemorySeenSet` (a `Set` of the strings) runs only for N <= `--memory-max`. `--presize` builds the
 * `FingerprintSeenSet` with `initialCapacity: N / 0.75`, so it never rehashes. Prints one JSON line, then a readable table.
 *
 * Memory is measured after a forced GC, before the set is built and after it (the URLs of the last batch dropped):
 * `heap` is the growth of `heapUsed + arrayBuffers` (what the set holds), `rss` the growth of the resident set.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FingerprintSeenSet } from '../src/storage/fingerprint-seen-set.js';
import { MemorySeenSet } from '../src/storage/seen-set.js';
import type { SeenSet } from '../src/storage/seen-set.js';
import { syntheticUrls } from './synthetic-urls.js';

type Implementation = 'fingerprint' | 'memory';

interface Measurement {
  implementation: Implementation;
  urls: number;
  heapBytesPerUrl: number;
  rssBytesPerUrl: number;
  heapMB: number;
  rssMB: number;
  peakRssMB: number;
  insertsPerSecond: number;
  lookupsPerSecond: number;
  /** The same per second of this process's CPU time: steadier than wall time on a shared machine. */
  insertsPerCpuSecond: number;
  lookupsPerCpuSecond: number;
}

const BATCH = 1_000;
const LOOKUPS = 1_000_000;
const MB = 1024 * 1024;

function memory(): { heap: number; rss: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed + usage.arrayBuffers, rss: usage.rss };
}

function measure(implementation: Implementation, count: number, presize: boolean): Measurement {
  const before = memory();
  const set: SeenSet =
    implementation === 'fingerprint' ? new FingerprintSeenSet(presize ? { initialCapacity: Math.ceil(count / 0.75) } : {}) : new MemorySeenSet();
  // The URL strings are built outside the timers.
  let insertMs = 0;
  let insertCpuMs = 0;
  for (let start = 0; start < count; start += BATCH) {
    const urls = syntheticUrls(start, Math.min(BATCH, count - start));
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    set.add(urls);
    insertMs += performance.now() - started;
    insertCpuMs += cpuMs(cpuStarted);
  }
  const insertSeconds = insertMs / 1000;
  const after = memory();
  if (set.size() !== count) throw new Error(`expected ${count} URLs in the set, got ${String(set.size())}`);
  // Half the lookups hit (URLs already added), half miss (URLs past the end).
  let hits = 0;
  let lookupMs = 0;
  let lookupCpuMs = 0;
  for (let batch = 0; batch < LOOKUPS / BATCH; batch++) {
    const urls = syntheticUrls(batch % 2 === 0 ? (batch * 7 * BATCH) % Math.max(1, count - BATCH) : count + batch * BATCH, BATCH);
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    hits += (set.has(urls) as boolean[]).filter(Boolean).length;
    lookupMs += performance.now() - started;
    lookupCpuMs += cpuMs(cpuStarted);
  }
  if (hits !== LOOKUPS / 2) throw new Error(`expected ${LOOKUPS / 2} lookup hits, got ${hits}`);
  return {
    implementation,
    urls: count,
    heapBytesPerUrl: round((after.heap - before.heap) / count, 1),
    rssBytesPerUrl: round((after.rss - before.rss) / count, 1),
    heapMB: round((after.heap - before.heap) / MB, 1),
    rssMB: round((after.rss - before.rss) / MB, 1),
    peakRssMB: round((process.resourceUsage().maxRSS * 1024) / MB, 1),
    insertsPerSecond: Math.round(count / insertSeconds),
    lookupsPerSecond: Math.round(LOOKUPS / (lookupMs / 1000)),
    insertsPerCpuSecond: Math.round(count / (insertCpuMs / 1000)),
    lookupsPerCpuSecond: Math.round(LOOKUPS / (lookupCpuMs / 1000)),
  };
}

/** CPU time (user + system) this process spent since `since`, in ms. */
function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function runChild(implementation: Implementation, count: number, presize: boolean): Measurement {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', implementation, '--counts', String(count), ...(presize ? ['--presize'] : [])],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (child.status !== 0) throw new Error(`${implementation} at ${count} URLs failed with status ${String(child.status)}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as Measurement;
}

function main(): void {
  const { values } = parseArgs({ options: { counts: { type: 'string', default: '1000000,10000000' }, 'memory-max': { type: 'string', default: '10000000' }, child: { type: 'string' }, presize: { type: 'boolean', default: false } } });
  const counts = values.counts.split(',').map(Number);
  if (values.child) {
    process.stdout.write(`${JSON.stringify(measure(values.child as Implementation, counts[0] as number, values.presize))}\n`);
    return;
  }
  const results: Measurement[] = [];
  for (const count of counts) {
    results.push(runChild('fingerprint', count, values.presize));
    if (count <= Number(values['memory-max'])) results.push(runChild('memory', count, false));
  }
  process.stdout.write(`${JSON.stringify({ node: process.version, results })}\n`);
  for (const r of results)
    process.stdout.write(
      `${r.implementation.padEnd(12)} ${String(r.urls).padStart(9)} URLs: ${r.heapMB} MB heap (${r.heapBytesPerUrl} B/URL), ${r.rssMB} MB RSS growth (${r.rssBytesPerUrl} B/URL), peak RSS ${r.peakRssMB} MB, ${r.insertsPerSecond.toLocaleString('en')} inserts/s, ${r.lookupsPerSecond.toLocaleString('en')} lookups/s (per CPU second: ${r.insertsPerCpuSecond.toLocaleString('en')} and ${r.lookupsPerCpuSecond.toLocaleString('en')})\n`,
    );
}

main();
