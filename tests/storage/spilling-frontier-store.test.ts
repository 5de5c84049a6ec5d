import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test as base, describe, expect } from 'vitest';
import type { CrawlRequest } from '../../src/storage/frontier-store.js';
import { SpillingFrontierStore } from '../../src/storage/spilling-frontier-store.js';

const test = base.extend<{ dir: string }>({
  dir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'sitecrawl-spill-test-'));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },
});

const request = (n: number, depth: number): CrawlRequest => ({ url: `http://e.com/${depth}/${n}`, depth, parent: n % 5 === 0 ? null : `http://e.com/p/${n}` });
const range = (from: number, to: number, depth: number) => Array.from({ length: to - from }, (_, index) => request(from + index, depth));

async function drain(store: SpillingFrontierStore, depth: number, max: number): Promise<CrawlRequest[]> {
  const all: CrawlRequest[] = [];
  for (;;) {
    const batch = await store.take(depth, max);
    if (batch.length === 0) return all;
    expect(batch.length).toBeLessThanOrEqual(max);
    all.push(...batch);
  }
}

describe('SpillingFrontierStore', () => {
  test.for([
    ['all in memory', 1000, 1],
    ['spilling past 10 in memory, taking 1 at a time', 10, 1],
    ['spilling past 10, taking 7 at a time', 10, 7],
    ['spilling past 10, taking 64 at a time', 10, 64],
    ['spilling past 1, taking 1000 at a time', 1, 1000],
  ] as const)('keeps FIFO order across the spill boundary: %s', async ([, maxInMemory, max], { dir }) => {
    // Small read chunks, so one level is read back from its file in many pieces.
    const store = new SpillingFrontierStore({ dir, maxInMemory, readChunkBytes: 256, writeChunkBytes: 100 });
    const pushed = range(0, 300, 1);
    for (let index = 0; index < pushed.length; index += 13) await store.push(pushed.slice(index, index + 13));
    expect(await store.size(1)).toBe(300);
    expect(await drain(store, 1, max)).toEqual(pushed);
    expect(await store.size(1)).toBe(0);
    await store.close();
    expect(await readdir(dir)).toEqual([]);
  });

  test('pushes made while a spilled level is being read come after it', async ({ dir }) => {
    const store = new SpillingFrontierStore({ dir, maxInMemory: 5, readChunkBytes: 128 });
    await store.push(range(0, 20, 2));
    const taken = [...(await store.take(2, 8))];
    await store.push(range(20, 30, 2));
    taken.push(...(await store.take(2, 4)));
    await store.push(range(30, 40, 2));
    expect([...taken, ...(await drain(store, 2, 3))]).toEqual(range(0, 40, 2));
    await store.close();
  });

  test('keeps interleaved depths apart, each in order', async ({ dir }) => {
    const store = new SpillingFrontierStore({ dir, maxInMemory: 4, readChunkBytes: 64 });
    for (let n = 0; n < 50; n++) await store.push([request(n, 1), request(n, 2), request(n, 3)]);
    expect([await store.size(0), await store.size(1), await store.size(2), await store.size(3)]).toEqual([0, 50, 50, 50]);
    expect(await drain(store, 2, 9)).toEqual(range(0, 50, 2));
    expect(await drain(store, 1, 9)).toEqual(range(0, 50, 1));
    expect(await store.take(3, 10)).toEqual(range(0, 10, 3));
    expect(await store.size(3)).toBe(40);
    await store.close();
  });

  test('size counts what is waiting as it is taken in batches', async ({ dir }) => {
    const store = new SpillingFrontierStore({ dir, maxInMemory: 3 });
    await store.push(range(0, 10, 1));
    const sizes: number[] = [];
    for (let step = 0; step < 4; step++) {
      await store.take(1, 4);
      sizes.push(await store.size(1));
    }
    expect(sizes).toEqual([6, 2, 0, 0]);
    await store.close();
  });

  test('overlapping calls run one after another', async ({ dir }) => {
    const store = new SpillingFrontierStore({ dir, maxInMemory: 2 });
    const [, first, , second] = await Promise.all([store.push(range(0, 5, 1)), store.take(1, 3), store.push(range(5, 8, 1)), store.take(1, 10)]);
    expect([...first, ...second]).toEqual(range(0, 8, 1));
    await store.close();
  });

  test.for([
    ['non-ASCII, quotes and newlines', 'http://例え.jp/パス?q="a"\nb', 'http://e.com/😀'],
    ['a URL longer than the read chunk', `http://e.com/${'x'.repeat(5000)}`, null],
  ] as const)('round-trips %s through the file', async ([, url, parent], { dir }) => {
    const store = new SpillingFrontierStore({ dir, maxInMemory: 1, readChunkBytes: 64 });
    const requests = [request(0, 1), { url, depth: 1, parent }, request(1, 1)];
    await store.push(requests);
    expect(await drain(store, 1, 2)).toEqual(requests);
    await store.close();
  });

  test('touches no disk while a level fits in memory', async ({ dir }) => {
    const store = new SpillingFrontierStore({ dir, maxInMemory: 100 });
    await store.push(range(0, 100, 1));
    expect(await store.directory()).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
    await store.close();
  });

  test('keeps spill files nameless on disk, and removes its directory on close', async ({ dir }) => {
    const store = new SpillingFrontierStore({ dir, maxInMemory: 2 });
    await store.push([...range(0, 10, 1), ...range(0, 10, 2)]);
    const own = (await store.directory()) as string;
    // The data lives on through the open handles only: a killed process leaves none of it behind.
    expect(await readdir(own)).toEqual([]);
    expect(await drain(store, 1, 4)).toEqual(range(0, 10, 1));
    await store.close();
    expect(await readdir(dir)).toEqual([]);
    await store.close();
    await expect(store.take(2, 1)).rejects.toThrow(/closed/);
  });

  test.skipIf(process.platform === 'win32')('a process killed with SIGKILL leaves none of its spilled data behind', async ({ dir }) => {
    const script = fileURLToPath(new URL('../helpers/spill-and-wait.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    expect(JSON.parse(line)).toEqual({ spilled: true });
    child.kill('SIGKILL');
    await once(child, 'exit');
    const left = await readdir(dir);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^sitecrawl-frontier-/);
    expect(await readdir(join(dir, left[0] as string))).toEqual([]);
  });

  test.each([
    [{ maxInMemory: 0 }],
    [{ readChunkBytes: 1.5 }],
    [{ writeChunkBytes: -1 }],
  ])('rejects %o', (options) => {
    expect(() => new SpillingFrontierStore(options)).toThrow(RangeError);
  });
});
