import { WorkSlots } from '../../src/crawler/work-slots.js';
import { describe, expect, test } from '../helpers/fixtures.js';

describe('WorkSlots', () => {
  test('admits at most `size` holders, and waiters in the order they came', async () => {
    const slots = new WorkSlots(2);
    const order: number[] = [];
    await slots.acquire();
    await slots.acquire();
    expect(slots.held).toBe(2);
    const waiters = [1, 2, 3].map((n) => slots.acquire().then(() => order.push(n)));
    await Promise.resolve();
    expect(order).toEqual([]);
    slots.release();
    await waiters[0];
    expect(order).toEqual([1]);
    expect(slots.held).toBe(2);
    slots.release();
    slots.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    slots.release();
    slots.release();
    expect(slots.held).toBe(0);
  });

  test('a long run of hand-overs keeps the count right', async () => {
    const slots = new WorkSlots(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 500 }, async () => {
        await slots.acquire();
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        slots.release();
      }),
    );
    expect(peak).toBe(3);
    expect(slots.held).toBe(0);
  });
});
