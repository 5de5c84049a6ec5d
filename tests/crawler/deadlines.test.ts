import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { DeadlineQueue } from '../../src/crawler/deadlines.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'hrtime'] });
});

afterEach(() => {
  vi.useRealTimers();
});

test('each entry expires delayMs after it was added, in order, with one timer', () => {
  const queue = new DeadlineQueue(1_000);
  const expired: string[] = [];
  queue.add(() => expired.push('a'));
  vi.advanceTimersByTime(400);
  queue.add(() => expired.push('b'));
  expect(vi.getTimerCount()).toBe(1);
  vi.advanceTimersByTime(599);
  expect(expired).toEqual([]);
  vi.advanceTimersByTime(1);
  expect(expired).toEqual(['a']);
  vi.advanceTimersByTime(399);
  expect(expired).toEqual(['a']);
  vi.advanceTimersByTime(1);
  expect(expired).toEqual(['a', 'b']);
  expect(queue.size).toBe(0);
});

test('a cancelled entry never expires, and cancelling leaves the others on time', () => {
  const queue = new DeadlineQueue(100);
  const expired: number[] = [];
  const entries = [0, 1, 2, 3].map((index) => {
    const entry = queue.add(() => expired.push(index));
    vi.advanceTimersByTime(10);
    return entry;
  });
  queue.cancel(entries[0]!);
  queue.cancel(entries[2]!);
  queue.cancel(entries[2]!);
  vi.advanceTimersByTime(200);
  expect(expired).toEqual([1, 3]);
  queue.cancel(entries[1]!);
  expect(expired).toEqual([1, 3]);
});

test('entries added after the queue emptied get a timer again', () => {
  const queue = new DeadlineQueue(50);
  const expired: string[] = [];
  queue.cancel(queue.add(() => expired.push('cancelled')));
  vi.advanceTimersByTime(100);
  queue.add(() => expired.push('later'));
  vi.advanceTimersByTime(49);
  expect(expired).toEqual([]);
  vi.advanceTimersByTime(1);
  expect(expired).toEqual(['later']);
});

test('thousands of entries cancelled out of order are dropped, and the rest still expire', () => {
  const queue = new DeadlineQueue(1_000);
  const expired: number[] = [];
  const entries = Array.from({ length: 5_000 }, (_, index) => queue.add(() => expired.push(index)));
  for (let index = entries.length - 1; index >= 0; index--) if (index % 1_000 !== 999) queue.cancel(entries[index]!);
  expect(queue.size).toBe(5_000 - 999);
  vi.advanceTimersByTime(1_000);
  expect(expired).toEqual([999, 1_999, 2_999, 3_999, 4_999]);
  expect(queue.size).toBe(0);
});
