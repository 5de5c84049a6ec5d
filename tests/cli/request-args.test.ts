import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CRAWL_HELP, UsageError, parseCrawlArgs } from '../../src/cli/args.js';
import type { CrawlCommand } from '../../src/cli/args.js';
import { parseAuditArgs } from '../../src/cli/audit-args.js';
import type { AuditCommand } from '../../src/cli/audit-args.js';
import { IMAGES_HELP, parseImagesArgs } from '../../src/cli/images-command.js';
import type { ImagesCommand } from '../../src/cli/images-command.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import { runCli } from '../helpers/run-process.js';

const URL_ = 'http://s.test/';
const SECRET = 'hunter2-secret';
const crawl = (...args: string[]) => (parseCrawlArgs([URL_, ...args]) as CrawlCommand).options;
const images = (...args: string[]) => (parseImagesArgs([URL_, ...args]) as ImagesCommand).crawl.options;
const audit = (...args: string[]) => (parseAuditArgs([URL_, ...args]) as AuditCommand).options;

describe('request control flags of crawl, images and audit', () => {
  test.each([
    [['-H', 'X-Api-Key: k1', '--header', 'Accept-Language:de'], { headers: { 'X-Api-Key': 'k1', 'Accept-Language': 'de' } }],
    [['-H', 'X-Empty:'], { headers: { 'X-Empty': '' } }],
    [['--auth', `ann:${SECRET}:with:colons`], { auth: { username: 'ann', password: `${SECRET}:with:colons` } }],
    [['--auth', 'ann:'], { auth: { username: 'ann', password: '' } }],
    [['--bearer', SECRET], { auth: { bearer: SECRET } }],
    [['--cookies', 'cookies.txt'], { cookies: { file: 'cookies.txt' } }],
    [['--no-cookies'], { cookies: false }],
    [['--proxy', 'http://127.0.0.1:3128'], { proxy: 'http://127.0.0.1:3128' }],
    [['--proxy', 'env'], { proxy: 'env' }],
  ])('%j', (args, expected) => {
    for (const parse of [crawl, images, audit]) expect(parse(...args)).toMatchObject(expected);
  });

  test('without them nothing is set, so the defaults apply (cookies on, no proxy)', () => {
    for (const parse of [crawl, images, audit]) {
      const options = parse();
      for (const name of ['headers', 'auth', 'cookies', 'proxy']) expect(options).not.toHaveProperty(name);
    }
  });

  test.each([
    [['-H', SECRET], "--header expects 'Name: value' (a header name, a colon, then the value)"],
    [['-H', `: ${SECRET}`], "--header expects 'Name: value' (a header name, a colon, then the value)"],
    [['-H', 'X-A: 1', '-H', `x-a: ${SECRET}`], '--header x-a is given twice'],
    [['--auth', SECRET], '--auth expects user:password (the password after the first colon)'],
    [['--auth', 'a:b', '--bearer', SECRET], '--auth and --bearer both set Authorization: give one of them'],
    [['--cookies', 'c.txt', '--no-cookies'], '--cookies loads cookies and --no-cookies turns them off: give one of them'],
  ])('%j is a usage error', (args, message) => {
    expect(() => crawl(...args)).toThrow(new UsageError(message));
  });

  test('--help tells of every request control flag', () => {
    for (const help of [CRAWL_HELP, IMAGES_HELP])
      for (const flag of ['-H, --header', '--auth USER:PASS', '--bearer TOKEN', '--cookies FILE', '--no-cookies', '--proxy URL']) expect(help).toContain(flag);
  });
});

describe('the built CLI: a bad request control value exits 2 with one line, no request made, no secret shown', () => {
  test('a header the crawl sets itself', async ({ site, tmp }) => {
    const result = await runCli(['crawl', site.url('/'), '-H', `User-Agent: ${SECRET}`, '-o', join(tmp, 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual(['sitecrawl crawl: --header: `headers` cannot set User-Agent: use `userAgent` (robots.txt rules are matched against it)']);
    expect(site.requests).toHaveLength(0);
  });

  test('a bad cookies.txt names its line', async ({ site, tmp }) => {
    const file = join(tmp, 'cookies.txt');
    await writeFile(file, `127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\t${SECRET}\nnot a cookie line\n`);
    const result = await runCli(['images', site.url('/'), '--cookies', file, '-o', join(tmp, 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `sitecrawl images: --cookies: ${file} line 2: expected 7 tab-separated fields (domain, include subdomains, path, secure, expires, name, value), got 1`,
    ]);
    expect(result.stderr).not.toContain(SECRET);
    expect(site.requests).toHaveLength(0);
  });

  test('--auth without a colon', async ({ site, tmp }) => {
    const result = await runCli(['audit', site.url('/'), '--auth', SECRET, '-o', join(tmp, 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('sitecrawl audit: --auth expects user:password (the password after the first colon)');
    expect(result.stderr).not.toContain(SECRET);
  });
});
