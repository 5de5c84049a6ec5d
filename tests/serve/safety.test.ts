import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from '../helpers/fixtures.js';
import { call, startTestService, waitForState } from '../helpers/service.js';
import { resolveServeOptions } from '../../src/serve/serve-options.js';

const TOKEN = 'a-long-enough-token';

describe('auth', () => {
  test('with a token every API call needs it (header or query), compared in constant time; the page does not', async ({ tmp }) => {
    const service = await startTestService(tmp, { token: TOKEN });
    try {
      expect((await call(service.url, 'GET', '/api/crawls')).status).toBe(401);
      expect((await call(service.url, 'GET', '/api/crawls', undefined, { authorization: 'Bearer wrong' })).body).toMatchObject({ statusCode: 401, code: 'unauthorized' });
      expect((await call(service.url, 'GET', '/api/crawls', undefined, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
      expect((await call(service.url, 'POST', '/api/crawls', { mode: 'crawl', urls: ['http://127.0.0.1:9/'] })).status).toBe(401);
      expect((await call(service.url, 'GET', '/api/crawls/000000000deadbeef/files/job.json')).status).toBe(401);
      expect((await call(service.url, 'GET', '/api/crawls', undefined, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
      expect((await call(service.url, 'GET', `/api/crawls?token=${TOKEN}`)).status).toBe(200);
      expect((await call(service.url, 'GET', '/')).status).toBe(200);
    } finally {
      await service.close();
    }
  });

  test('without a token on loopback the API is open', async ({ tmp }) => {
    const service = await startTestService(tmp);
    try {
      expect((await call(service.url, 'GET', '/api/crawls')).status).toBe(200);
    } finally {
      await service.close();
    }
  });

  test.each([
    [{ host: '0.0.0.0' }, 'token'],
    [{ host: '192.168.1.10' }, 'token'],
    [{ host: '0.0.0.0', token: TOKEN, allowPrivate: true }, 'allowPrivate'],
    [{ host: '127.0.0.1', token: 'short' }, 'token'],
    [{ maxJobs: 0 }, 'maxJobs'],
  ])('binding beyond loopback needs a token and never allows private addresses: %j', (options, option) => {
    expect(() => resolveServeOptions(options)).toThrow(expect.objectContaining({ code: 'invalid-option', option }));
  });

  test('loopback binds need no token', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) expect(resolveServeOptions({ host }).loopback).toBe(true);
    expect(resolveServeOptions({ host: '0.0.0.0', token: TOKEN }).loopback).toBe(false);
  });
});

test('the files route never leaves the job folder: .., encoded .., absolute paths, backslashes, symbolic links', async ({ site, tmp }) => {
  site.page('/', []);
  const dataDir = join(tmp, 'data');
  await mkdir(dataDir);
  await writeFile(join(tmp, 'secret.txt'), 'TOP-SECRET-CONTENT');
  const service = await startTestService(dataDir);
  try {
    const posted = await call(service.url, 'POST', '/api/crawls', { mode: 'crawl', urls: [site.url('/')], options: { workers: 0 } });
    const job = await waitForState(service, posted.body.id);
    const dir = join(dataDir, job.id);
    await symlink(join(tmp, 'secret.txt'), join(dir, 'link.txt'));
    await symlink(tmp, join(dir, 'linked-dir'));
    const base = `/api/crawls/${job.id}/files/`;
    expect((await call(service.url, 'GET', `${base}pages.jsonl`)).status).toBe(200);
    for (const path of [
      '../../secret.txt', '..%2F..%2Fsecret.txt', '%2e%2e/%2e%2e/secret.txt', '%2E%2E%2F%2E%2E%2Fsecret.txt', '..%5c..%5csecret.txt',
      `%2F${encodeURIComponent(join(tmp, 'secret.txt')).slice(3)}`, encodeURIComponent(join(tmp, 'secret.txt')), 'link.txt', 'linked-dir/secret.txt',
      'images/../../secret.txt', '.', '', '%00', '..', '%2e%2e',
    ]) {
      const answer = await call(service.url, 'GET', base + path);
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      expect(answer.text).not.toContain('TOP-SECRET');
    }
    // Outside the API too: the page's static route has the same rule.
    expect((await call(service.url, 'GET', '/..%2F..%2Fpackage.json')).status).toBe(404);
    expect((await call(service.url, 'GET', '/%2e%2e/%2e%2e/package.json')).status).toBe(404);
  } finally {
    await service.close();
  }
});

describe('the address guard (on unless --allow-private)', () => {
  test('refuses start URLs and webhooks that resolve to loopback when the job is submitted', async ({ site, tmp }) => {
    site.page('/', []);
    const service = await startTestService(tmp, { allowPrivate: false });
    try {
      const start = await call(service.url, 'POST', '/api/crawls', { mode: 'crawl', urls: [site.url('/')] });
      expect(start.status).toBe(400);
      expect(start.body).toMatchObject({ code: 'blocked-address', field: 'urls[0]' });
      const named = await call(service.url, 'POST', '/api/crawls', { mode: 'images', urls: [`http://localhost:${site.port}/`] });
      expect(named.body).toMatchObject({ code: 'blocked-address', field: 'urls[0]' });
      const hook = await call(service.url, 'POST', '/api/crawls', { mode: 'crawl', urls: ['http://93.184.215.14/'], webhook: 'http://127.0.0.1:9/hook' });
      expect(hook.body).toMatchObject({ code: 'blocked-address', field: 'webhook' });
      expect(site.requests).toHaveLength(0);
    } finally {
      await service.close();
    }
  });

  test('checks again at connect time in the job, for pages and for the webhook', async ({ site, tmp }) => {
    site.page('/', []);
    const service = await startTestService(tmp, { allowPrivate: false, webhookTries: 1 });
    try {
      // Past the submission check (as a DNS answer that changed since would be): the job's connector refuses it.
      const job = await service.store.create('crawl', [site.url('/')], { workers: 0 }, site.url('/hook'));
      service.queue.submit(job);
      const ended = await waitForState(service, job.id);
      await service.queue.idle();
      expect(ended).toMatchObject({ state: 'done', counters: { pages: 1, failed: 1 } });
      expect((ended.summary as { errors: Record<string, number> }).errors).toEqual({ 'blocked-address': 1 });
      expect(ended.webhook?.attempts).toEqual([expect.objectContaining({ status: null, error: expect.stringContaining('not allowed') })]);
      expect(site.requests).toHaveLength(0);
    } finally {
      await service.close();
    }
  });
});
