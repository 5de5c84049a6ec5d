/**
 * Pieces both bench runners (run.ts, peers.ts) use: reading a child's port and JSON lines, the site server's counters,
 * and medians.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { ServerStats } from './site-server.js';

/** Waits for the site server's `{"port":N}` line; rejects if it exits first. */
export async function readPort(child: ChildProcess): Promise<number> {
  const stdout = child.stdout;
  if (!stdout) throw new Error('site-server has no stdout');
  const exited = once(child, 'exit').then(([code]) => Promise.reject(new Error(`site-server exited with ${String(code)}`)));
  const lines = createInterface({ input: stdout });
  const firstLine = once(lines, 'line').then(([line]) => lastJsonLine<{ port: number }>(String(line)).port);
  return Promise.race([firstLine, exited]);
}

/** The site server's request counters (`reset` zeroes them after reading). */
export async function serverStats(origin: string, reset: boolean): Promise<ServerStats> {
  const response = await fetch(`${origin}/__bench/stats${reset ? '?reset' : ''}`);
  return (await response.json()) as ServerStats;
}

/** The last line of `output` that is a JSON object. */
export function lastJsonLine<T>(output: string): T {
  const line = output.trim().split('\n').reverse().find((candidate) => candidate.startsWith('{'));
  if (line === undefined) throw new Error(`Expected a JSON line, got: ${output.slice(0, 500)}`);
  return JSON.parse(line) as T;
}

/** The median of the numbers. */
export function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** `value` rounded to `digits` decimals. */
export function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

/** A command-line integer >= min, or a clear error naming the flag. */
export function positiveInt(name: string, value: string, min = 1): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min) throw new Error(`Expected --${name} to be an integer >= ${min}, got ${value}`);
  return number;
}

/**
 * Compiles `bench/crawl-once.ts` (and what it imports) to `bench/.build/` and returns the compiled script's path
 * (`bench/.build/bench/crawl-once.js`).
 * Crawls run from it with plain `node`, like `sitecrawl crawl` and the peers' runners, not under tsx, whose loader
 * thread would count in the crawler's CPU and peak RSS.
 */
export function buildCrawlRunner(): string {
  const benchDir = path.dirname(fileURLToPath(import.meta.url));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  rmSync(path.join(benchDir, '.build'), { recursive: true, force: true });
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(benchDir, 'tsconfig.runner.json')], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`Compiling bench/crawl-once.ts failed:\n${`${result.stdout}${result.stderr}`.slice(0, 2_000)}`);
  return path.join(benchDir, '.build', 'bench', 'crawl-once.js');
}
