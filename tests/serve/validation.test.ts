import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { describe, expect, test } from '../helpers/fixtures.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, startTestService } from '../helpers/service.js';
import type { Service } from '../../src/serve/service.js';

// One service for the table: every case is refused before a job exists, so none runs.
let service: Service;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sitecrawl-serve-'));
  service = await startTestService(dataDir, { bodyLimit: 4096 });
});
afterAll(async () => {
  await service.close();
  await rm(dataDir, { recursive: true, force: true });
});

const URL_OK = 'http://127.0.0.1:9/';

describe('POST /api/crawls refuses bad input with 400 naming the field', () => {
  test.each([
    ['unknown mode', { mode: 'scrape', urls: [URL_OK] }, 'unknown-mode', 'mode'],
    ['missing mode', { urls: [URL_OK] }, 'missing-field', 'mode'],
    ['missing urls', { mode: 'crawl' }, 'missing-field', 'urls'],
    ['empty urls', { mode: 'crawl', urls: [] }, 'invalid-request', 'urls'],
    ['urls of the wrong type', { mode: 'crawl', urls: 'http://127.0.0.1/' }, 'invalid-request', 'urls'],
    ['a bad URL', { mode: 'crawl', urls: ['ftp://example.com/'] }, 'invalid-url', 'urls[0]'],
    ['a URL that does not parse', { mode: 'crawl', urls: ['http://exa mple.com:99999/'] }, 'invalid-option', 'urls'],
    ['a bad webhook', { mode: 'crawl', urls: [URL_OK], webhook: 'javascript:alert(1)' }, 'invalid-url', 'webhook'],
    ['an unknown top-level field', { mode: 'crawl', urls: [URL_OK], priority: 1 }, 'unknown-field', 'priority'],
    ['an unknown option', { mode: 'crawl', urls: [URL_OK], options: { maxDepht: 2 } }, 'unknown-field', 'options.maxDepht'],
    ['an option of another mode', { mode: 'crawl', urls: [URL_OK], options: { minWidth: 100 } }, 'unknown-field', 'options.minWidth'],
    ['a server-owned option', { mode: 'crawl', urls: [URL_OK], options: { outDir: '/etc' } }, 'unknown-field', 'options.outDir'],
    ['the address guard as an option', { mode: 'crawl', urls: [URL_OK], options: { denyPrivateAddresses: false } }, 'unknown-field', 'options.denyPrivateAddresses'],
    ['depth of the wrong type', { mode: 'crawl', urls: [URL_OK], options: { maxDepth: '3' } }, 'invalid-request', 'options.maxDepth'],
    ['depth out of range', { mode: 'crawl', urls: [URL_OK], options: { maxDepth: -1 } }, 'invalid-option', 'options.maxDepth'],
    ['depth not an integer', { mode: 'crawl', urls: [URL_OK], options: { maxDepth: 1.5 } }, 'invalid-option', 'options.maxDepth'],
    ['a bad scope', { mode: 'crawl', urls: [URL_OK], options: { scope: 'planet' } }, 'invalid-option', 'options.scope'],
    ['a bad regular expression', { mode: 'crawl', urls: [URL_OK], options: { include: ['('] } }, 'invalid-option', 'options.include'],
    ['a flag of the wrong type', { mode: 'crawl', urls: [URL_OK], options: { obeyRobots: 'no' } }, 'invalid-request', 'options.obeyRobots'],
    ['an image width out of range', { mode: 'images', urls: [URL_OK], options: { minWidth: -5 } }, 'invalid-option', 'options.minWidth'],
    ['an unknown image type', { mode: 'images', urls: [URL_OK], options: { types: ['tiff2'] } }, 'invalid-option', 'options.types'],
    ['a bad image scope', { mode: 'images', urls: [URL_OK], options: { imageScope: 'moon' } }, 'invalid-option', 'options.imageScope'],
    ['an audit level out of range', { mode: 'audit', urls: [URL_OK], options: { failOn: 'never' } }, 'invalid-option', 'options.failOn'],
    ['audit title bounds crossed', { mode: 'audit', urls: [URL_OK], options: { titleMin: 50, titleMax: 20 } }, 'invalid-option', 'options.titleMin'],
    ['a body that is not an object', [1, 2], 'invalid-request', 'body'],
  ])('%s', async (_name, body, code, field) => {
    const answer = await call(service.url, 'POST', '/api/crawls', body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ statusCode: 400, code, field });
    expect(answer.body.message).toContain(field.replace(/^options\./, '').replace(/\[\d+\]$/, ''));
  });

  test('the library checks values with its own message', async () => {
    const answer = await call(service.url, 'POST', '/api/crawls', { mode: 'crawl', urls: [URL_OK], options: { perHost: 0 } });
    expect(answer.body.message).toBe('Expected `perHost` to be an integer >= 1, got 0');
  });

  test('malformed JSON', async () => {
    const answer = await call(service.url, 'POST', '/api/crawls', '{"mode": "crawl", ');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'invalid-json', field: 'body' });
  });

  test('a body over the limit is refused with 413 before it is parsed', async () => {
    const answer = await call(service.url, 'POST', '/api/crawls', { mode: 'crawl', urls: [URL_OK], options: { userAgent: 'x'.repeat(8000) } });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ code: 'body-too-large', field: 'body' });
  });

  test('a body that is not JSON is refused with 415', async () => {
    const answer = await call(service.url, 'POST', '/api/crawls', 'mode=crawl', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(answer.status).toBe(415);
  });

  test('query strings are checked too', async () => {
    expect((await call(service.url, 'GET', '/api/crawls?limit=abc')).body).toMatchObject({ statusCode: 400, field: 'querystring.limit' });
    expect((await call(service.url, 'GET', '/api/crawls?limit=1000')).body).toMatchObject({ statusCode: 400, field: 'querystring.limit' });
    expect((await call(service.url, 'GET', '/api/crawls?sort=asc')).body).toMatchObject({ statusCode: 400, code: 'unknown-field', field: 'querystring.sort' });
  });

  test('no refused request left a job behind', async () => {
    expect(await readdir(dataDir)).toEqual([]);
    expect((await call(service.url, 'GET', '/api/crawls')).body).toEqual({ jobs: [], next: null });
  });
});
