import { describe, expect, test } from 'vitest';
import { fingerprint64 } from '../../src/storage/fingerprint.js';
import { FingerprintSeenSet } from '../../src/storage/fingerprint-seen-set.js';
import { MemorySeenSet } from '../../src/storage/seen-set.js';

// Deterministic URLs with repeats: 3,000 draws from 2,000 distinct URLs (an LCG picks which).
function urlStream(count: number, distinct: number): string[] {
  const urls: string[] = [];
  let state = 12345;
  for (let index = 0; index < count; index++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const id = state % distinct;
    urls.push(`https://site-${id % 7}.example/section/${id % 13}/page-${id}.html?ref=${id % 3}`);
  }
  return urls;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}

describe('FingerprintSeenSet', () => {
  test.each([
    ['one URL per call', 1, 1024],
    ['batches of 50', 50, 1024],
    ['one big batch', 3000, 1024],
    ['batches of 50 from 16 slots (many resizes)', 50, 16],
  ])('answers add/has like MemorySeenSet: %s', (_name, batch, initialCapacity) => {
    const fingerprints = new FingerprintSeenSet({ initialCapacity });
    const memory = new MemorySeenSet();
    for (const urls of chunks(urlStream(3000, 2000), batch)) {
      expect(fingerprints.has(urls)).toEqual(memory.has(urls));
      expect(fingerprints.add(urls)).toEqual(memory.add(urls));
      expect(fingerprints.size()).toBe(memory.size());
    }
    const probe = urlStream(500, 4000);
    expect(fingerprints.has(probe)).toEqual(memory.has(probe));
  });

  test('keeps every URL across growth from 16 slots to 8,192', () => {
    const set = new FingerprintSeenSet({ initialCapacity: 16 });
    const urls = Array.from({ length: 5000 }, (_, index) => `http://e.com/p/${index}`);
    expect(set.add(urls).every(Boolean)).toBe(true);
    expect([set.size(), set.byteLength]).toEqual([5000, 8192 * 8]);
    expect(set.has(urls).every(Boolean)).toBe(true);
    expect(set.add(urls).some(Boolean)).toBe(false);
    expect(set.has(['http://e.com/p/5000', 'http://e.com/p/-1'])).toEqual([false, false]);
  });

  test.each([
    ['a repeat within one add()', ['http://e.com/a', 'http://e.com/b', 'http://e.com/a'], [true, true, false]],
    ['the empty string', ['', '', 'http://e.com/'], [true, false, true]],
    ['non-ASCII URLs', ['http://e.com/été', 'http://e.com/ete', 'http://例え.jp/パス', 'http://e.com/😀', 'http://e.com/😀'], [true, true, true, true, false]],
    ['URLs differing in one code unit', ['http://e.com/a?x=1', 'http://e.com/a?x=2', 'http://e.com/b?x=1'], [true, true, true]],
  ])('add() counts %s', (_name, urls, expected) => {
    const set = new FingerprintSeenSet();
    expect(set.add(urls)).toEqual(expected);
    expect(set.has(urls)).toEqual(urls.map(() => true));
    expect(set.size()).toBe(expected.filter(Boolean).length);
  });

  test('rounds the initial capacity up to a power of two, at least 16', () => {
    expect([1, 16, 17, 1000].map((initialCapacity) => new FingerprintSeenSet({ initialCapacity }).byteLength)).toEqual([128, 128, 256, 8192]);
  });

  test.each([0, -1, 1.5, Number.NaN])('rejects initialCapacity %s', (initialCapacity) => {
    expect(() => new FingerprintSeenSet({ initialCapacity })).toThrow(RangeError);
  });
});

describe('fingerprint64', () => {
  // Known answers of XXH64 with seed 0, from the xxHash reference implementation.
  test.each([
    ['', 'ef46db3751d8e999'],
    ['a', 'd24ec4f1a98c6e5b'],
    ['abc', '44bc2cf5ad770999'],
  ])('is xxHash64 of the UTF-8 bytes: %j -> %s', (text, expected) => {
    const out = new Uint32Array(2);
    fingerprint64(text, out);
    expect([...out].map((half) => half.toString(16).padStart(8, '0')).join('')).toBe(expected);
  });

  test('is deterministic and gives distinct fingerprints to 100,000 similar URLs', () => {
    const out = new Uint32Array(2);
    const seen = new Set<bigint>();
    for (let index = 0; index < 100_000; index++) {
      fingerprint64(`https://e.com/page/${index}`, out);
      seen.add((BigInt(out[0] as number) << 32n) | BigInt(out[1] as number));
    }
    fingerprint64('https://e.com/page/0', out);
    const again = [...out];
    fingerprint64('https://e.com/page/0', out);
    expect([seen.size, [...out]]).toEqual([100_000, again]);
  });

  test('spreads similar URLs evenly over the low bits used as the table index', () => {
    const out = new Uint32Array(2);
    const buckets = new Array<number>(256).fill(0);
    for (let index = 0; index < 256_000; index++) {
      fingerprint64(`https://e.com/page/${index}`, out);
      buckets[(out[0] as number) & 255]! += 1;
    }
    // Expected 1,000 per bucket, standard deviation ~32: 6 sigma either side.
    expect(Math.min(...buckets)).toBeGreaterThan(800);
    expect(Math.max(...buckets)).toBeLessThan(1200);
  });
});
