import { parseAuditArgs, takeSitemapFlags } from '../../src/cli/audit-args.js';
import type { AuditCommand } from '../../src/cli/audit-args.js';
import { describe, expect, test } from '../helpers/fixtures.js';

const URL_ = 'http://s.test/';
const parse = (...args: string[]) => parseAuditArgs([URL_, ...args]) as AuditCommand;

describe('parseAuditArgs', () => {
  test('defaults', () => {
    const command = parse();
    expect(command.audit).toEqual({ external: false, checkFragments: false, strict: false, failOn: 'broken', sitemap: false, sitemapUrls: [], outDir: 'sitecrawl-out' });
    expect(command.format).toBe('text');
    expect(command.options).toMatchObject({ startUrls: [URL_] });
    expect(command.options).not.toHaveProperty('outDir');
    expect(command.options).not.toHaveProperty('format');
    // Failed pages are findings, so they are not logged as warnings unless asked.
    expect([command.logLevel, command.options.logLevel]).toEqual(['error', 'error']);
    expect(parse('--log-level', 'warn').logLevel).toBe('warn');
  });

  test('audit flags, crawl flags and --format json', () => {
    const command = parse('--external', '--check-fragments', '--strict', '--fail-on', 'titles', '--title-max', '70', '--title-min', '0', '--format', 'json', '-d', '1', '-o', 'out');
    expect(command.audit).toMatchObject({ external: true, checkFragments: true, strict: true, failOn: 'titles', titleMax: 70, titleMin: 0, outDir: 'out' });
    expect(command.format).toBe('json');
    expect(command.options.maxDepth).toBe(1);
  });

  test.each([
    ['an unknown level', ['--fail-on', 'warnings']],
    ['a crawl format', ['--format', 'jsonl']],
    ['a negative title length', ['--title-max', '-1']],
    ['a min above the max', ['--title-min', '70']],
    ['a min above a given max', ['--title-max', '20', '--title-min', '30']],
    ['an unknown flag', ['--broken-only']],
    ['a sitemap that is not a URL', ['--sitemap=sitemap.xml']],
  ])('rejects %s', (_name, args) => {
    expect(() => parse(...args)).toThrow(expect.objectContaining({ name: 'UsageError' }));
  });

  test('--help wins', () => {
    expect(parseAuditArgs(['--help'])).toBe('help');
  });
});

describe('takeSitemapFlags', () => {
  test.each([
    [['--sitemap', URL_], { rest: [URL_], sitemap: true, sitemapUrls: [] }],
    [[URL_, '--sitemap'], { rest: [URL_], sitemap: true, sitemapUrls: [] }],
    [['--sitemap', '--external', URL_], { rest: ['--external', URL_], sitemap: true, sitemapUrls: [] }],
    [['--sitemap', 'http://s.test/sitemap.xml', URL_], { rest: [URL_], sitemap: false, sitemapUrls: ['http://s.test/sitemap.xml'] }],
    [['--sitemap', 'http://s.test/maps/pages.xml.gz', URL_], { rest: [URL_], sitemap: false, sitemapUrls: ['http://s.test/maps/pages.xml.gz'] }],
    [['--sitemap=http://s.test/any', '--sitemap', URL_], { rest: [URL_], sitemap: true, sitemapUrls: ['http://s.test/any'] }],
    [[URL_, '--', '--sitemap'], { rest: [URL_, '--', '--sitemap'], sitemap: false, sitemapUrls: [] }],
  ])('%j', (args, expected) => {
    expect(takeSitemapFlags(args)).toEqual(expected);
  });
});
