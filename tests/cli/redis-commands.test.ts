/**
 * Shared crawls record their command: a worker of another command (`images`, `audit`) or with another value of that
 * command's own result options cannot join a crawl, and is refused with exit 2 before any request.
 */
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describe, expect, test } from '../helpers/fixtures.js';
import { startRedis } from '../helpers/redis-server.js';
import type { RedisServer } from '../helpers/redis-server.js';
import { slowTree } from '../helpers/redis-site.js';
import { runCli } from '../helpers/run-process.js';

let server: Promise<RedisServer> | undefined;
afterAll(async () => (await server)?.close());
const redisUrl = async () => (await (server ??= startRedis())).url;

const common = ['-q', '--workers', '0', '--retries', '0'];

describe('shared crawls record their command', { timeout: 120_000 }, () => {
  test('images or audit cannot join a crawl run, nor crawl an images run (exit 2, naming the command)', async ({ site, tmp }) => {
    slowTree(site, 2, 1, 0);
    const redis = await redisUrl();
    const shared = (command: string, id: string, extra: string[] = []) =>
      runCli([command, site.url('/'), '--redis', redis, '--crawl-id', id, ...common, ...extra]);
    expect((await shared('crawl', 'as-crawl')).code).toBe(0);
    const requests = site.requests.length;
    const images = await shared('images', 'as-crawl', ['-o', join(tmp, 'images')]);
    expect(images.code).toBe(2);
    expect(images.stderr).toContain('The crawl as-crawl is a `crawl` run, not `images`');
    const audit = await shared('audit', 'as-crawl', ['-o', join(tmp, 'audit')]);
    expect(audit.code).toBe(2);
    expect(audit.stderr).toContain('is a `crawl` run, not `audit`');
    expect(site.requests).toHaveLength(requests);
    expect((await shared('images', 'as-images', ['-o', join(tmp, 'i1'), '--no-thumbs'])).code).toBe(0);
    const crawl = await shared('crawl', 'as-images');
    expect(crawl.code).toBe(2);
    expect(crawl.stderr).toContain('is a `images` run, not `crawl`');
  });

  test('a differing option of the command itself is refused, naming its flag; the same values join', async ({ site, tmp }) => {
    slowTree(site, 2, 1, 0);
    const redis = await redisUrl();
    const images = (id: string, extra: string[]) =>
      runCli(['images', site.url('/'), '--redis', redis, '--crawl-id', id, '-o', join(tmp, `${id}-${extra.join('')}`), '--no-thumbs', ...common, ...extra]);
    expect((await images('img', ['--min-width', '10'])).code).toBe(0);
    const other = await images('img', ['--min-width', '20']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("The crawl img was started with `--min-width` 10, got 20");
    expect((await images('img', ['--min-width', '10', '--image-concurrency', '3'])).code).toBe(0);
    const audit = (extra: string[]) =>
      runCli(['audit', site.url('/'), '--redis', redis, '--crawl-id', 'aud', '-o', join(tmp, `aud${extra.join('')}`), ...common, ...extra]);
    expect((await audit([])).code).toBe(0);
    const external = await audit(['--external']);
    expect(external.code).toBe(2);
    expect(external.stderr).toContain('The crawl aud was started with `--external` false, got true');
    // --fail-on only judges the report: it may differ.
    expect((await audit(['--fail-on', 'none'])).code).toBe(0);
  });
});
