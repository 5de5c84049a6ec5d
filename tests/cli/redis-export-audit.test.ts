/**
 * `sitecrawl audit --redis` with two workers, then `export`: audit.json, audit.csv and report.html are written from
 * what the workers streamed (pages, titles and audit records, link checks), with the findings of a one-process audit.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describe, expect, test } from '../helpers/fixtures.js';
import { startRedis } from '../helpers/redis-server.js';
import type { RedisServer } from '../helpers/redis-server.js';
import { gatedPages } from '../helpers/redis-site.js';
import { runCli, startNode } from '../helpers/run-process.js';

let server: Promise<RedisServer> | undefined;
afterAll(async () => (await server)?.close());

const common = ['-q', '--workers', '0', '--retries', '0', '--fail-on', 'none'];
const head = (title: string) => ({ title, head: '<meta name="description" content="A page of the shared audit test site, long enough.">' });

// The findings of a report, whatever the order and timing: everything but the summary's timings.
async function findings(dir: string): Promise<Record<string, unknown>> {
  const report = JSON.parse(await readFile(join(dir, 'audit.json'), 'utf8')) as Record<string, unknown> & { summary: Record<string, unknown> };
  const { summary, ...lists } = report;
  const { elapsedMs: _elapsed, generatedAt: _generated, ...counts } = summary;
  return { ...lists, counts };
}

describe('audit --redis: export writes the audit of all workers', { timeout: 120_000 }, () => {
  test('two workers, export: audit.json has the findings of a one-process audit, each URL requested once', async ({ site, tmp }) => {
    const sections = Array.from({ length: 6 }, (_, i) => `/s${i}`);
    site.page('/', [...sections, '/gone'], { ...head('Home of the shared audit site'), body: '<img src="/logo.png">' });
    for (const [i, path] of sections.entries())
      site.page(path, [`${path}/x`, '/', i % 2 ? '/moved' : `/missing${i}`], { ...head(i === 2 ? 'Short' : `Section ${i} of the shared audit site`), body: `<img src="/logo.png"><img src="/img${i}.png">` });
    // The leaves answer only once three are asked for at once: with -c 2 each, both workers took some.
    gatedPages(site, new Map(sections.map((path) => [`${path}/x`, `<!doctype html><title>Leaf ${path} of the shared audit site</title><meta name="description" content="A page of the shared audit test site, long enough."><a href="/gone">gone</a>`])), 3);
    site.redirect('/moved', '/s0');
    site.bytes('/logo.png', 64, 'image/png');
    for (let i = 0; i < 6; i += 2) site.bytes(`/img${i}.png`, 64, 'image/png');
    const redis = (await (server ??= startRedis())).url;
    const workers = [0, 1].map((i) =>
      startNode(['dist/cli/main.js', 'audit', site.url('/'), '--redis', redis, '--crawl-id', 'aud', '-o', join(tmp, `w${i}`), '-c', '2', ...common]),
    );
    const results = await Promise.all(workers.map((worker) => worker.result));
    expect(results.map((result) => [result.code, result.stderr])).toEqual([[0, ''], [0, '']]);
    // Pages and link checks alike: one request per URL and method for the two workers together (robots.txt included;
    // a link answering HEAD with an error is asked again with GET, as in one process).
    const requests = site.requests.map((request) => `${request.method} ${request.path}`);
    expect(requests.filter((request, index) => requests.indexOf(request) !== index)).toEqual([]);
    // Each worker wrote the report of its own share.
    const shares = await Promise.all([0, 1].map(async (i) => (JSON.parse(await readFile(join(tmp, `w${i}`, 'audit.json'), 'utf8')) as { summary: { pagesCrawled: number } }).summary.pagesCrawled));
    expect(shares.every((pages) => pages > 0)).toBe(true);
    const merged = join(tmp, 'merged');
    const exported = await runCli(['export', '--redis', redis, '--crawl-id', 'aud', '-o', merged, '--fail-on', 'none']);
    expect(exported.code).toBe(0);
    expect((await readdir(merged)).sort()).toEqual(['audit.csv', 'audit.json', 'pages.jsonl', 'records.jsonl', 'report.html']);
    const single = join(tmp, 'single');
    expect((await runCli(['audit', site.url('/'), '-o', single, ...common])).code).toBe(0);
    const expected = await findings(single);
    expect((expected['brokenLinks'] as unknown[]).length).toBeGreaterThan(3);
    expect(await findings(merged)).toEqual(expected);
    expect(await readFile(join(merged, 'audit.csv'), 'utf8')).toBe(await readFile(join(single, 'audit.csv'), 'utf8'));
  });
});
