import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from '../helpers/fixtures.js';
import { csvObjects } from '../helpers/csv.js';
import { closedPort } from '../helpers/closed-port.js';
import { runCli, startNode } from '../helpers/run-process.js';

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('usage errors exit 2 with a one-line message and make no request', () => {
  test.for([
    ['an unknown option', ['crawl', 'URL', '--bogus']],
    ['no start URL', ['crawl']],
    ['a relative start URL', ['crawl', '/just/a/path']],
    ['an ftp start URL', ['crawl', 'ftp://127.0.0.1/']],
    ['a negative depth', ['crawl', 'URL', '--depth=-1']],
    ['a negative depth as a separate value', ['crawl', 'URL', '-d', '-1']],
    ['a depth that is not a number', ['crawl', 'URL', '--depth', 'deep']],
    ['zero concurrency', ['crawl', 'URL', '-c', '0']],
    ['an unknown scope', ['crawl', 'URL', '--scope', 'planet']],
    ['an unknown format', ['crawl', 'URL', '--format', 'xml']],
    ['an invalid include pattern', ['crawl', 'URL', '--include', '(']],
    ['an unknown command', ['frobnicate']],
  ] as const)('%s', async ([, args], { site, tmp }) => {
    const argv = args.map((arg) => (arg === 'URL' ? site.url('/') : arg));
    const result = await runCli([...argv, '-o', join(tmp, 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/^sitecrawl/);
    expect(site.requests).toHaveLength(0);
  });

  test('an output directory that cannot be created', async ({ site, tmp }) => {
    const file = join(tmp, 'a-file');
    await writeFile(file, 'not a directory');
    const result = await runCli(['crawl', site.url('/'), '-o', join(file, 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(site.requests).toHaveLength(0);
  });
});

test('crawl writes pages.jsonl and records.jsonl, prints a summary and exits 0 although a page failed', async ({ site, tmp }) => {
  site.page('/', ['/a', '/missing']).page('/a', ['/']);
  const out = join(tmp, 'out');
  const result = await runCli(['crawl', site.url('/'), '-o', out, '--depth', '2']);
  expect(result.code).toBe(0);
  const pages = jsonLines(await readFile(join(out, 'pages.jsonl'), 'utf8'));
  expect(pages.map((page) => new URL(page['url'] as string).pathname).sort()).toEqual(['/', '/a', '/missing']);
  expect(pages.find((page) => (page['url'] as string).endsWith('/missing'))?.['error']).toMatchObject({ code: 'http-404' });
  const records = jsonLines(await readFile(join(out, 'records.jsonl'), 'utf8'));
  expect(records.every((record) => record['type'] === 'title')).toBe(true);
  expect(result.stderr).toMatch(/Crawled 3 pages/);
  expect(result.stderr).toMatch(/http-404 1/);
});

test('--format csv writes pages.csv with a header row', async ({ site, tmp }) => {
  site.page('/', ['/a']).page('/a', []);
  const out = join(tmp, 'out');
  const result = await runCli(['crawl', site.url('/'), '-o', out, '--format', 'csv', '--quiet']);
  expect(result.code).toBe(0);
  const lines = (await readFile(join(out, 'pages.csv'), 'utf8')).trim().split('\r\n');
  expect(lines[0]).toBe('url,finalUrl,status,depth,parent,contentType,bytes,title,links,ms,attempts,truncated,redirects,error');
  expect(lines).toHaveLength(3);
  expect(result.stderr).toBe('');
});

test('--format csv writes a title or description a spreadsheet would run as a formula as text, prefixed with \'', async ({ site, tmp }) => {
  site.page('/', ['/a'], { title: '=HYPERLINK("http://x","y")', head: '<meta name="description" content="@SUM(1)">' }).page('/a', [], { title: '-2+3' });
  const out = join(tmp, 'out');
  const result = await runCli(['crawl', site.url('/'), '-o', out, '--format', 'csv', '--quiet']);
  expect(result.code).toBe(0);
  const pages = csvObjects(await readFile(join(out, 'pages.csv'), 'utf8'));
  expect(pages.map((page) => [page['title'], page['depth']]).sort()).toEqual([["'-2+3", '1'], [`'=HYPERLINK("http://x","y")`, '0']]);
  const records = csvObjects(await readFile(join(out, 'records.csv'), 'utf8'));
  expect(records.find((record) => record['url'] === site.url('/'))).toMatchObject({ title: `'=HYPERLINK("http://x","y")`, description: "'@SUM(1)" });
});

test('--depth 0 fetches the start URL only, --max-pages caps the count', async ({ site, tmp }) => {
  site.page('/', ['/a', '/b', '/c']).page('/a', []).page('/b', []).page('/c', []);
  const shallow = await runCli(['crawl', site.url('/'), '-o', join(tmp, 'd0'), '-d', '0', '-q']);
  expect(shallow.code).toBe(0);
  expect(jsonLines(await readFile(join(tmp, 'd0', 'pages.jsonl'), 'utf8'))).toHaveLength(1);
  const capped = await runCli(['crawl', site.url('/'), '-o', join(tmp, 'max'), '--max-pages', '2', '-q']);
  expect(capped.code).toBe(0);
  expect(jsonLines(await readFile(join(tmp, 'max', 'pages.jsonl'), 'utf8'))).toHaveLength(2);
});

test('SIGINT stops the crawl, keeps what was fetched, prints the summary and exits 130', async ({ site, tmp }) => {
  site.page('/', ['/fast', '/slow']).page('/fast', []).stall('/slow');
  const out = join(tmp, 'out');
  const running = startNode(['dist/cli/main.js', 'crawl', site.url('/'), '-o', out]);
  await site.waitForHit('/slow');
  await site.waitForHit('/fast');
  running.child.kill('SIGINT');
  const result = await running.result;
  expect(result.code).toBe(130);
  const pages = jsonLines(await readFile(join(out, 'pages.jsonl'), 'utf8'));
  expect(pages.map((page) => new URL(page['url'] as string).pathname)).toContain('/');
  expect(result.stderr).toMatch(/Stopped \(aborted\)/);
});

test('--help and --version answer on stdout with exit 0', async () => {
  const help = await runCli(['crawl', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/--per-host/);
  const version = await runCli(['--version']);
  expect(version.code).toBe(0);
  expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  // The CLI sets V8 flags as it starts (process-tuning.ts); V8 reports a flag it does not know on stderr.
  expect(help.stderr).toBe('');
  expect(version.stderr).toBe('');
});

test('log lines read as one line each on a terminal', async () => {
  const { formatLogLine } = await import('../../src/cli/run-crawler.js');
  const line = JSON.stringify({ level: 40, time: 1, name: 'sitecrawl', module: 'crawler', url: 'http://a/x', code: 'http-404', msg: 'page failed' });
  expect(formatLogLine(`${line}\n`)).toBe('warn  page failed  url=http://a/x code=http-404\n');
  expect(formatLogLine('not json\n')).toBe('not json\n');
});

test('a site that cannot be reached is a failed page in pages.jsonl and the summary, not a robots skip', async ({ tmp }) => {
  const url = `http://127.0.0.1:${await closedPort()}/`;
  const out = join(tmp, 'out');
  const result = await runCli(['crawl', url, '-o', out]);
  expect(result.code).toBe(0);
  const pages = jsonLines(await readFile(join(out, 'pages.jsonl'), 'utf8'));
  expect(pages).toEqual([expect.objectContaining({ url, status: null, error: expect.objectContaining({ code: 'robots-unreachable', cause: 'connect' }) })]);
  expect(result.stderr).toMatch(/1 failed/);
  expect(result.stderr).toMatch(/robots-unreachable 1/);
  expect(result.stderr).not.toMatch(/robots 1/);
});
