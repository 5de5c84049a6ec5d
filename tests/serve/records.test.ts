import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '../helpers/fixtures.js';
import { readJsonLines } from '../../src/serve/records.js';
import { backoffBefore } from '../../src/serve/webhook.js';
import { validationError } from '../../src/serve/http-errors.js';

test('records page by byte offsets: stable cursors, a line still being written is left for later', async ({ tmp }) => {
  const path = join(tmp, 'pages.jsonl');
  await writeFile(path, '{"n":1}\n{"n":2}\n{"n":3}\n{"n":4');
  const first = await readJsonLines(path, 0, 2, true);
  expect(first).toEqual({ records: [{ n: 1 }, { n: 2 }], next: '16' });
  const second = await readJsonLines(path, Number(first.next), 10, true);
  expect(second).toEqual({ records: [{ n: 3 }], next: '24' });
  await appendFile(path, '}\n{"é":"ü"}\n');
  const third = await readJsonLines(path, Number(second.next), 10, false);
  expect(third).toEqual({ records: [{ n: 4 }, { é: 'ü' }], next: null });
  expect(await readJsonLines(join(tmp, 'missing.jsonl'), 0, 10, true)).toEqual({ records: [], next: '0' });
  expect(await readJsonLines(join(tmp, 'missing.jsonl'), 0, 10, false)).toEqual({ records: [], next: null });
});

test('a page spanning more than one read chunk is read whole', async ({ tmp }) => {
  const path = join(tmp, 'big.jsonl');
  const lines = Array.from({ length: 300 }, (_, n) => JSON.stringify({ n, pad: 'x'.repeat(500) }));
  await writeFile(path, `${lines.join('\n')}\n`);
  const page = await readJsonLines(path, 0, 250, false);
  expect(page.records.map((record) => (record as { n: number }).n)).toEqual([...Array(250).keys()]);
  const rest = await readJsonLines(path, Number(page.next), 250, false);
  expect(rest.records).toHaveLength(50);
  expect(rest.next).toBeNull();
});

test.each([
  [1, 0], [2, 1000], [3, 2000], [4, 4000], [5, 8000],
])('webhook try %i waits %i ms after the one before (backoff 1000)', (n, ms) => {
  expect(backoffBefore(n, 1000)).toBe(ms);
});

test.each([
  [{ keyword: 'additionalProperties', instancePath: '/options', params: { additionalProperty: 'maxDepht' } }, 'body', 'options.maxDepht', 'unknown-field'],
  [{ keyword: 'type', instancePath: '/urls/2', params: {}, message: 'must be string' }, 'body', 'urls[2]', 'invalid-request'],
  [{ keyword: 'pattern', instancePath: '/limit', params: {}, message: 'must match' }, 'querystring', 'querystring.limit', 'invalid-request'],
  [{ keyword: 'discriminator', instancePath: '', params: { tag: 'mode', tagValue: 'x' } }, 'body', 'mode', 'unknown-mode'],
])('schema error %j names the field', (error, context, field, code) => {
  expect(validationError(context, [error], ['crawl', 'images', 'audit'])).toMatchObject({ statusCode: 400, field, code });
});
