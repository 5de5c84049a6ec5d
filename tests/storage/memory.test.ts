import { describe, expect, test } from 'vitest';
import { MemoryCounters } from '../../src/storage/counters.js';
import { MemoryDataset } from '../../src/storage/dataset.js';
import { MemoryFrontierStore } from '../../src/storage/frontier-store.js';
import type { CrawlRequest } from '../../src/storage/frontier-store.js';
import { MemorySeenSet } from '../../src/storage/seen-set.js';

const request = (path: string, depth: number): CrawlRequest => ({ url: `http://e.com${path}`, depth, parent: depth === 0 ? null : 'http://e.com/' });
const urls = (requests: readonly CrawlRequest[]) => requests.map((item) => new URL(item.url).pathname);

describe('MemoryFrontierStore', () => {
  test('keeps each depth in its own FIFO queue', () => {
    const store = new MemoryFrontierStore();
    store.push([request('/a', 1), request('/x', 2), request('/b', 1)]);
    store.push([request('/c', 1), request('/y', 2)]);
    expect(urls(store.take(1, 10))).toEqual(['/a', '/b', '/c']);
    expect(urls(store.take(2, 10))).toEqual(['/x', '/y']);
  });

  test.each([
    [1, [['/0'], ['/1'], ['/2'], ['/3'], ['/4'], []]],
    [2, [['/0', '/1'], ['/2', '/3'], ['/4'], []]],
    [5, [['/0', '/1', '/2', '/3', '/4'], []]],
    [9, [['/0', '/1', '/2', '/3', '/4'], []]],
  ])('takes in batches of %i, oldest first, then nothing', (max, batches) => {
    const store = new MemoryFrontierStore();
    store.push([0, 1, 2, 3, 4].map((n) => request(`/${n}`, 1)));
    expect(batches.map(() => urls(store.take(1, max)))).toEqual(batches);
  });

  test('size counts what is still waiting per depth', () => {
    const store = new MemoryFrontierStore();
    store.push([request('/a', 1), request('/b', 1), request('/c', 1), request('/x', 2)]);
    expect([store.size(0), store.size(1), store.size(2)]).toEqual([0, 3, 1]);
    store.take(1, 2);
    expect(store.size(1)).toBe(1);
    store.take(1, 2);
    expect(store.size(1)).toBe(0);
  });

  test('a depth can be refilled after it ran out', () => {
    const store = new MemoryFrontierStore();
    store.push([request('/a', 1)]);
    store.take(1, 1);
    store.push([request('/b', 1)]);
    expect([store.size(1), ...urls(store.take(1, 5))]).toEqual([1, '/b']);
  });

  test('pushes after a partial take keep the order', () => {
    const store = new MemoryFrontierStore();
    store.push([request('/a', 1), request('/b', 1)]);
    store.take(1, 1);
    store.push([request('/c', 1)]);
    expect(urls(store.take(1, 5))).toEqual(['/b', '/c']);
  });

  test('taking from an unknown depth or with max 0 gives nothing', () => {
    const store = new MemoryFrontierStore();
    store.push([request('/a', 1)]);
    expect([store.take(7, 5), store.take(1, 0)]).toEqual([[], []]);
    expect(store.size(1)).toBe(1);
  });

  test('returns requests as pushed', () => {
    const store = new MemoryFrontierStore();
    const pushed = request('/a', 3);
    store.push([pushed]);
    expect(store.take(3, 1)).toEqual([pushed]);
  });
});

describe('MemorySeenSet', () => {
  test('add tells for each URL whether it was new', () => {
    const seen = new MemorySeenSet();
    expect(seen.add(['a', 'b'])).toEqual([true, true]);
    expect(seen.add(['b', 'c'])).toEqual([false, true]);
  });

  test('add counts a URL repeated within one call as new once', () => {
    expect(new MemorySeenSet().add(['a', 'a', 'b', 'a'])).toEqual([true, false, true, false]);
  });

  test('has answers per URL without adding', () => {
    const seen = new MemorySeenSet();
    seen.add(['a']);
    expect(seen.has(['a', 'b'])).toEqual([true, false]);
    expect(seen.has(['b'])).toEqual([false]);
    expect(seen.size()).toBe(1);
  });

  test('size counts distinct URLs', () => {
    const seen = new MemorySeenSet();
    seen.add(['a', 'b', 'a']);
    seen.add(['c', 'b']);
    expect(seen.size()).toBe(3);
  });

  test('empty calls give empty answers', () => {
    const seen = new MemorySeenSet();
    expect([seen.add([]), seen.has([]), seen.size()]).toEqual([[], [], 0]);
  });
});

describe('MemoryCounters', () => {
  test('increments by one or by a given amount', () => {
    const counters = new MemoryCounters();
    counters.increment('pages');
    counters.increment('pages');
    counters.increment('bytes', 1500);
    counters.increment('bytes', 500);
    expect([counters.get('pages'), counters.get('bytes')]).toEqual([2, 2000]);
  });

  test('an unknown counter is 0', () => {
    expect(new MemoryCounters().get('skip.robots')).toBe(0);
  });

  test('snapshot holds every counter and does not change afterwards', () => {
    const counters = new MemoryCounters();
    counters.increment('skip.scope', 3);
    counters.increment('depth.0');
    const snapshot = counters.snapshot();
    counters.increment('skip.scope');
    expect(snapshot).toEqual({ 'skip.scope': 3, 'depth.0': 1 });
  });
});

describe('MemoryDataset', () => {
  test('keeps records in order and notes close', () => {
    const dataset = new MemoryDataset<{ n: number }>();
    dataset.write({ n: 1 });
    dataset.write({ n: 2 });
    expect(dataset.closed).toBe(false);
    dataset.close();
    expect([dataset.items, dataset.closed]).toEqual([[{ n: 1 }, { n: 2 }], true]);
  });
});
