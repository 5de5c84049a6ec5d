import { expect, test } from 'vitest';
import { SettleCounter } from '../../src/crawler/settle-counter.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test('settleOne waits for the next task to settle, whichever it is, and size counts what is left', async () => {
  const counter = new SettleCounter();
  const [first, second, third] = [deferred(), deferred(), deferred()];
  for (const task of [first, second, third]) counter.track(task.promise);
  expect(counter.size).toBe(3);
  let woke = false;
  const waiting = counter.settleOne().then(() => (woke = true));
  await Promise.resolve();
  expect(woke).toBe(false);
  second.resolve();
  await waiting;
  expect(counter.size).toBe(2);
  const all = counter.settleAll();
  first.resolve();
  third.resolve();
  await all;
  expect(counter.size).toBe(0);
  await counter.settleOne();
});

test('a rejected task is rethrown to whoever waits', async () => {
  const counter = new SettleCounter();
  const task = deferred();
  counter.track(task.promise);
  const waiting = counter.settleOne();
  task.reject(new Error('boom'));
  await expect(waiting).rejects.toThrow('boom');
  await expect(counter.settleAll()).rejects.toThrow('boom');
});
