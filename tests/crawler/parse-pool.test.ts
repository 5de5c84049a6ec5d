import { afterEach, expect, test } from 'vitest';
import { ParsePool } from '../../src/crawler/parse-pool.js';
import type { PoolGrowth } from '../../src/crawler/parse-pool.js';
import type { ParseReply } from '../../src/crawler/parse-job.js';
import type { WorkerSpec } from '../../src/index.js';
import { ThreadExtractor } from '../helpers/thread-extractor.js';

// The pool grows by watching its workers over windows of time. These tests make the windows short and the warm-up
// nil, and give the extractor real CPU work, so growth depends on load, not on the machine's speed.
const EAGER: PoolGrowth = { windowMs: 5, warmUpBytes: 0, busyShare: 0.5, paybackMs: 1 };
const pools: ParsePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

function busySpec(busyMs: number): { specs: WorkerSpec[] } {
  return { specs: [new ThreadExtractor({ inWorkers: true, busyMs }).workerSpec() as WorkerSpec] };
}

function job(index: number) {
  const url = `http://127.0.0.1/page-${index}`;
  return { url, finalUrl: url, depth: 1, parent: null, status: 200, headers: {}, contentType: 'text/html', body: Buffer.from(`<h1>${index}</h1>`), truncated: false };
}

function threadOf(reply: ParseReply): number {
  if (!reply.ok) throw new Error(reply.message);
  return (reply.extracted.records[0] as { threadId: number }).threadId;
}

/** Keeps `inFlight` jobs in the pool, as a crawl does, until `enough` says so (or `limit` jobs); returns the threads that parsed them. */
async function feed(pool: ParsePool, inFlight: number, limit: number, enough: (threads: Set<number>) => boolean): Promise<Set<number>> {
  const threads = new Set<number>();
  let sent = 0;
  const lane = async () => {
    while (sent < limit && !enough(threads)) threads.add(threadOf(await pool.parse(job(sent++))));
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return threads;
}

test('the pool starts one worker and adds the next while every worker is busy and the backlog is worth it', async () => {
  const pool = new ParsePool(2, busySpec(10), () => 1_000, EAGER);
  pools.push(pool);
  expect(pool.size).toBe(1);
  const threads = await feed(pool, 4, 2_000, (seen) => seen.size === 2);
  expect(pool.size).toBe(2);
  expect(threads.size).toBe(2);
});

test.for([
  { label: 'never grows past its size', size: 1, backlog: 1_000 },
  { label: 'does not grow, however busy, for a backlog too small to repay a new worker', size: 2, backlog: 0 },
])('the pool $label', async ({ size, backlog }) => {
  const pool = new ParsePool(size, busySpec(5), () => backlog, EAGER);
  pools.push(pool);
  const threads = await feed(pool, 4, 50, () => false);
  expect(pool.size).toBe(1);
  expect(threads.size).toBe(1);
});

test('the pool does not judge a worker before it has parsed its warm-up in bytes, and grows once it has', async () => {
  // Each job's body is about 13 bytes: a warm-up of 400 bytes takes some 30 jobs, however long they take.
  const pool = new ParsePool(2, busySpec(10), () => 1_000, { ...EAGER, warmUpBytes: 400 });
  pools.push(pool);
  const cold = await feed(pool, 4, 20, () => false);
  expect([cold.size, pool.size]).toEqual([1, 1]);
  const threads = await feed(pool, 4, 2_000, (seen) => seen.size === 2);
  expect(pool.size).toBe(2);
  expect(threads.size).toBe(2);
});
