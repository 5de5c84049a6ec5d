import { describe, expect, test } from 'vitest';
import { abortableDelay } from '../../src/crawler/limiter.js';
import { MAX_TIMER_MS } from '../../src/crawler/options.js';

describe('abortableDelay past the longest timer', () => {
  // Node runs a setTimeout longer than 2^31-1 ms after 1 ms. Per-host starts booked ahead add up past it (four requests
  // to one host with a 1.5e9 ms delay: the third waits 3e9 ms), so the wait must not end at once.
  test.each([MAX_TIMER_MS + 1, 2 * MAX_TIMER_MS + 5])('a %d ms wait is still pending after 50 ms and ends on abort', async (ms) => {
    const controller = new AbortController();
    let settled = false;
    const waiting = abortableDelay(ms, controller.signal).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });

  test('a short wait still resolves', async () => {
    await expect(abortableDelay(1)).resolves.toBeUndefined();
  });
});
