import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { auditProgressSuffix } from '../../src/cli/audit-command.js';
import type { CrawlProgress } from '../../src/index.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import { closedPort } from '../helpers/closed-port.js';
import { runCli } from '../helpers/run-process.js';
import type { Site } from '../helpers/site.js';

// Titles long enough, one h1 and a description each: only what a test adds is a finding.
const tidy = (title: string, body = '') => ({ title, head: `<meta name="description" content="${title}">`, body: `<h1>${title}</h1>${body}` });
const audit = (site: Site, out: string, ...args: string[]) => runCli(['audit', site.url('/'), '-o', out, '--workers', '0', ...args]);

describe.concurrent('usage errors exit 2 with a one-line message and make no request', () => {
  test.for([
    ['an unknown --fail-on level', ['--fail-on', 'warnings']],
    ['a crawl --format', ['--format', 'csv']],
    ['--title-min above --title-max', ['--title-min', '61']],
    ['an unknown option', ['--bogus']],
    ['a bad crawl option', ['--depth', 'deep']],
    ['a --sitemap= value that is not a URL', ['--sitemap=/sitemap.xml']],
  ] as const)('%s', async ([, args], { site, tmp }) => {
    const result = await audit(site, join(tmp, 'out'), ...args);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/^sitecrawl audit: /);
    expect(site.requests).toHaveLength(0);
  });

  test('no start URL', async ({ tmp }) => {
    const result = await runCli(['audit', '-o', join(tmp, 'out')]);
    expect([result.code, result.stderr.split('\n')[0]]).toEqual([2, 'sitecrawl audit: audit needs at least one start URL']);
  });

  test('an output directory that cannot be created', async ({ site, tmp }) => {
    const file = join(tmp, 'a-file');
    await writeFile(file, 'not a directory');
    const result = await audit(site, join(file, 'out'));
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(site.requests).toHaveLength(0);
  });
});

describe.concurrent('exit codes and output', () => {
  test('broken links: exit 1, the summary lists them first, and the three files are written', async ({ site, tmp }) => {
    site.page('/', ['/a', '/gone'], tidy('Home of the CLI test site')).page('/a', ['/gone', '/chain'], tidy('Page a of the CLI test site')).redirect('/chain', '/chain-2').redirect('/chain-2', '/a');
    const out = join(tmp, 'out');
    // Default worker threads here: the built CLI parses pages on workers, extractors loaded from dist/.
    const result = await runCli(['audit', site.url('/'), '-o', out]);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines.findIndex((line) => line.startsWith('Broken links: 1'))).toBeLessThan(lines.findIndex((line) => line.startsWith('Redirects: 1')));
    expect(result.stdout).toContain(`404      ${site.url('/gone')}`);
    expect(result.stdout).toMatch(/^FAILED: found problems at level "broken" \(--fail-on broken\)$/m);
    expect((await readdir(out)).sort()).toEqual(['audit.csv', 'audit.json', 'report.html']);
    const report = JSON.parse(await readFile(join(out, 'audit.json'), 'utf8')) as { brokenLinks: Array<{ url: string; referrers: unknown[] }> };
    expect(report.brokenLinks.map((link) => [link.url, link.referrers.length])).toEqual([[site.url('/gone'), 2]]);
  });

  test('a site that is down fails the audit: exit 1, its start URL reported broken (robots-unreachable)', async ({ tmp }) => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const result = await runCli(['audit', url, '-o', join(tmp, 'out'), '--workers', '0']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Broken links: 1/m);
    expect(result.stdout).toContain(url);
    expect(result.stdout).toMatch(/robots-unreachable/);
    expect(result.stdout).toMatch(/^FAILED: /m);
    expect(result.stdout).not.toMatch(/PASSED|No problems found/);
  });

  test('--fail-on none exits 0 with broken links; -q prints nothing', async ({ site, tmp }) => {
    site.page('/', ['/gone'], tidy('Home of the CLI test site'));
    const result = await audit(site, join(tmp, 'out'), '--fail-on', 'none', '-q');
    expect([result.code, result.stdout, result.stderr]).toEqual([0, '', '']);
  });

  test('title issues fail only with --fail-on titles', async ({ site, tmp }) => {
    site.page('/', ['/a', '/b'], tidy('Home of the CLI test site')).page('/a', [], tidy('Same title on two pages')).page('/b', [], tidy('Same title on two pages'));
    const [broken, redirects, titles] = await Promise.all([
      audit(site, join(tmp, 'broken'), '--fail-on', 'broken'),
      audit(site, join(tmp, 'redirects'), '--fail-on', 'redirects'),
      audit(site, join(tmp, 'titles'), '--fail-on', 'titles'),
    ]);
    expect([broken.code, redirects.code, titles.code]).toEqual([0, 0, 1]);
    expect(titles.stdout).toMatch(/^Title issues: 1 \(duplicate 1\)$/m);
    expect(broken.stdout).toMatch(/^PASSED \(--fail-on broken; found problems at level "titles"\)$/m);
  });

  test('redirect chains fail with --fail-on redirects', async ({ site, tmp }) => {
    site.page('/', ['/old'], tidy('Home of the CLI test site')).redirect('/old', '/older', 301).redirect('/older', '/', 302);
    const [broken, redirects] = await Promise.all([audit(site, join(tmp, 'b')), audit(site, join(tmp, 'r'), '--fail-on', 'redirects')]);
    expect([broken.code, redirects.code]).toEqual([0, 1]);
  });

  test('--format json prints the summary as JSON on stdout; --timeout makes a stalled page a timeout', async ({ site, tmp }) => {
    site.page('/', ['/gone', '/gone-too', '/stalled'], tidy('Home of the CLI test site')).stall('/stalled');
    const result = await audit(site, join(tmp, 'out'), '--format', 'json', '--timeout', '400', '--retries', '0');
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ startUrls: [site.url('/')], pagesCrawled: 4, broken: 3, brokenByKind: { 'http-404': 2, timeout: 1 }, failOn: 'broken', failed: true });
  });

  test('--help describes the audit flags; the main help lists the command', async () => {
    const [help, main] = await Promise.all([runCli(['audit', '--help']), runCli(['--help'])]);
    expect(help.code).toBe(0);
    for (const flag of ['--external', '--check-fragments', '--fail-on', '--title-max', '--title-min', '--sitemap', '--strict', '--format F           text | json'])
      expect(help.stdout).toContain(flag);
    expect(help.stdout).not.toContain('jsonl | csv');
    expect(main.stdout).toMatch(/^ {2}audit <url\.\.\.>/m);
  });
});

test('the progress line counts links checked and broken', () => {
  const progress = { pages: 10, failed: 2, savers: { 'links.checked': 5, 'links.broken': 1 } } as unknown as CrawlProgress;
  expect(auditProgressSuffix(progress)).toBe('links 15 checked, 3 broken');
});
