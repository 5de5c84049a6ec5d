import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError, parseCrawlArgs } from '../../src/cli/args.js';
import { parseImagesArgs } from '../../src/cli/images-command.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import { runCli } from '../helpers/run-process.js';

const URL_ = 'http://127.0.0.1:9/';

describe('--sitemap and --cache on crawl and images', () => {
  test.each([
    [['--sitemap', URL_], true],
    [[URL_, '--sitemap=http://127.0.0.1:9/s.xml'], ['http://127.0.0.1:9/s.xml']],
    [['--sitemap', 'http://127.0.0.1:9/sitemap.xml.gz', URL_], ['http://127.0.0.1:9/sitemap.xml.gz']],
    [['--sitemap', '--sitemap=http://127.0.0.1:9/s.xml', URL_], ['http://127.0.0.1:9/s.xml', 'http://127.0.0.1:9/robots.txt']],
  ])('%j gives sitemaps %j', (argv, expected) => {
    const crawl = parseCrawlArgs(argv);
    const images = parseImagesArgs(argv);
    if (crawl === 'help' || images === 'help') throw new Error('help');
    expect(crawl.options.sitemaps).toEqual(expected);
    expect(images.crawl.options.sitemaps).toEqual(expected);
    expect(crawl.options.startUrls).toEqual([URL_]);
  });

  test('--cache and --cache-mode become the cache option', () => {
    const command = parseCrawlArgs([URL_, '--cache', 'c', '--cache-mode', 'prefer-cache']);
    if (command === 'help') throw new Error('help');
    expect(command.options.cache).toEqual({ dir: 'c', mode: 'prefer-cache' });
    const plain = parseCrawlArgs([URL_]);
    if (plain === 'help') throw new Error('help');
    expect(plain.options.cache).toBeUndefined();
    expect(plain.options.sitemaps).toBeUndefined();
  });

  test.each([
    [['--cache-mode', 'offline', '--cache', 'c'], /--cache-mode expects one of revalidate, prefer-cache/],
    [['--cache-mode', 'prefer-cache'], /--cache-mode needs --cache DIR/],
    [['--cache='], /--cache needs a directory/],
    [['--sitemap=sitemap.xml'], /--sitemap expects an absolute http\(s\) URL/],
    [['--sitemap=ftp://127.0.0.1/s.xml'], /--sitemap expects an absolute http\(s\) URL/],
  ])('%j is a usage error for crawl and images', (flags, message) => {
    expect(() => parseCrawlArgs([URL_, ...flags])).toThrow(UsageError);
    expect(() => parseCrawlArgs([URL_, ...flags])).toThrow(message);
    expect(() => parseImagesArgs([URL_, ...flags])).toThrow(message);
  });

  test.for([
    ['crawl', '--cache-mode', 'offline', '--cache', 'c'],
    ['images', '--sitemap=ftp://127.0.0.1/s.xml'],
  ] as const)('the CLI exits 2 on %j and makes no request', async ([command, ...flags], { site, tmp }) => {
    const result = await runCli([command, site.url('/'), ...flags, '-o', join(tmp, 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/^sitecrawl/);
    expect(site.requests).toHaveLength(0);
  });

  test('crawl --sitemap --cache: sitemap pages are crawled, and a prefer-cache rerun is served from the cache', async ({ site, tmp }) => {
    site.page('/', []).page('/only-in-sitemap', []);
    site.robots(`Sitemap: ${site.url('/sitemap.xml')}\n`);
    site.html('/sitemap.xml', `<urlset><url><loc>${site.url('/only-in-sitemap')}</loc></url></urlset>`, { 'content-type': 'application/xml' });
    const cache = join(tmp, 'cache');
    const run = (out: string) => runCli(['crawl', site.url('/'), '--sitemap', '--cache', cache, '--cache-mode', 'prefer-cache', '--workers', '0', '-q', '-o', join(tmp, out)]);
    expect((await run('one')).code).toBe(0);
    const requests = site.requests.length;
    expect((await run('two')).code).toBe(0);
    expect(site.requests.length).toBe(requests);
    const pages = (await readFile(join(tmp, 'two', 'pages.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { url: string; cached: boolean });
    expect(pages.map((page) => [new URL(page.url).pathname, page.cached]).sort()).toEqual([['/', true], ['/only-in-sitemap', true]]);
  });
});
