import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Crawler, LinkExtractor, OptionsError, TitleExtractor, resolveOptions } from '../../src/index.js';
import type { PageRecord } from '../../src/index.js';
import { byPath, crawlToArray, paths } from '../helpers/crawl.js';
import { startSite } from '../helpers/site.js';
import type { Site } from '../helpers/site.js';
import { describe, expect, test } from '../helpers/fixtures.js';

const urlset = (locs: readonly string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs.map((loc) => `<url><loc>${loc}</loc></url>`).join('')}</urlset>`;
const sitemapIndex = (locs: readonly string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs.map((loc) => `<sitemap><loc>${loc}</loc></sitemap>`).join('')}</sitemapindex>`;

function xml(site: Site, path: string, body: string | Buffer, type = 'application/xml'): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  site.route(path, (_req, res) => {
    res.writeHead(200, { 'content-type': type, 'content-length': String(bytes.length) });
    res.end(bytes);
  });
}

/** A home page linking nowhere, and orphan pages only a sitemap names. */
function orphans(site: Site, names: readonly string[]): void {
  site.page('/', []);
  for (const name of names) site.page(`/${name}`, []);
}

describe('sitemaps as seeds', () => {
  test('option values: true names the start origins robots.txt, a list its URLs; bad values are refused', () => {
    const start = { startUrls: ['http://127.0.0.1:8/a', 'http://127.0.0.1:8/b', 'http://127.0.0.2/'] };
    expect(resolveOptions(start).sitemaps).toEqual([]);
    expect(resolveOptions({ ...start, sitemaps: true }).sitemaps).toEqual(['http://127.0.0.1:8/robots.txt', 'http://127.0.0.2/robots.txt']);
    expect(resolveOptions({ ...start, sitemaps: ['http://127.0.0.1:8/s.xml', 'http://127.0.0.1:8/s.xml'] }).sitemaps).toEqual(['http://127.0.0.1:8/s.xml']);
    expect(() => resolveOptions({ ...start, sitemaps: ['/s.xml'] })).toThrow(OptionsError);
    expect(() => resolveOptions({ ...start, sitemaps: 'yes' as never })).toThrow(/Expected `sitemaps` to be true, false or an array/);
  });

  test('the URLs of the sitemaps robots.txt lists join the start URLs at depth 0; robots.txt is fetched once', async ({ site }) => {
    orphans(site, ['a', 'b', 'c']);
    site.robots(`User-agent: *\nDisallow: /c\nSitemap: ${site.url('/maps/one.xml')}\n`);
    xml(site, '/maps/one.xml', urlset([site.url('/a'), site.url('/b'), site.url('/c'), site.url('/')]));
    const { pages, summary } = await crawlToArray(site.url('/'), { sitemaps: true });
    expect(paths(pages)).toEqual(['/', '/a', '/b']);
    expect(byPath(pages, '/a')).toMatchObject({ depth: 0, parent: null });
    expect(summary.skipped).toMatchObject({ robots: 1, seen: 1 });
    expect(site.hits('/robots.txt')).toBe(1);
    expect(site.hits('/maps/one.xml')).toBe(1);
    expect(site.hits('/c')).toBe(0);
  });

  test('without a Sitemap line, /sitemap.xml is read; with --ignore-robots robots.txt is still read once for it', async ({ site }) => {
    orphans(site, ['a']);
    site.robots('User-agent: *\nDisallow: /a\n');
    xml(site, '/sitemap.xml', urlset([site.url('/a')]));
    const { pages } = await crawlToArray(site.url('/'), { sitemaps: true, obeyRobots: false });
    expect(paths(pages)).toEqual(['/', '/a']);
    expect(site.hits('/robots.txt')).toBe(1);
    expect(site.hits('/sitemap.xml')).toBe(1);
  });

  test('sitemap indexes, nested and gzipped (as files and as Content-Encoding), are followed; pages are then crawled as usual', async ({ site }) => {
    orphans(site, ['a', 'b', 'c', 'd']);
    site.page('/d', ['/e']).page('/e', []);
    site.robots(`Sitemap: ${site.url('/index.xml')}\n`);
    xml(site, '/index.xml', sitemapIndex([site.url('/inner-index.xml'), site.url('/a.xml.gz')]));
    xml(site, '/inner-index.xml', sitemapIndex(['/b.xml']));
    xml(site, '/a.xml.gz', gzipSync(urlset([site.url('/a')])), 'application/x-gzip');
    site.route('/b.xml', (_req, res) => {
      const body = gzipSync(urlset([site.url('/b'), site.url('/c'), site.url('/d')]));
      res.writeHead(200, { 'content-type': 'application/xml', 'content-encoding': 'gzip', 'content-length': String(body.length) });
      res.end(body);
    });
    const { pages } = await crawlToArray(site.url('/'), { sitemaps: true, maxDepth: 1 });
    expect(paths(pages)).toEqual(['/', '/a', '/b', '/c', '/d', '/e']);
    expect(byPath(pages, '/e')).toMatchObject({ depth: 1 });
  });

  test('nested indexes are followed 3 levels deep at most, and an index listing itself is read once', async ({ site }) => {
    orphans(site, ['shallow', 'deep']);
    xml(site, '/i0.xml', sitemapIndex(['/i0.xml', '/i1.xml']));
    xml(site, '/i1.xml', sitemapIndex(['/i2.xml']));
    xml(site, '/i2.xml', sitemapIndex(['/i3.xml', '/shallow.xml']));
    xml(site, '/shallow.xml', urlset([site.url('/shallow')]));
    xml(site, '/i3.xml', sitemapIndex(['/deep.xml']));
    xml(site, '/deep.xml', urlset([site.url('/deep')]));
    const { pages } = await crawlToArray(site.url('/'), { sitemaps: [site.url('/i0.xml')], obeyRobots: false });
    expect(paths(pages)).toEqual(['/', '/shallow']);
    expect(site.hits('/i0.xml')).toBe(1);
    expect(site.hits('/i3.xml')).toBe(1);
    expect(site.hits('/deep.xml')).toBe(0);
  });

  test('a sitemap that is not well-formed XML is skipped, the others are read', async ({ site }) => {
    orphans(site, ['a', 'b']);
    site.robots(`Sitemap: ${site.url('/bad.xml')}\nSitemap: ${site.url('/good.xml')}\nSitemap: ${site.url('/missing.xml')}\n`);
    xml(site, '/bad.xml', `<urlset><url><loc>${site.url('/a')}</loc></url><url><loc>oops</url></urlset>`);
    xml(site, '/good.xml', urlset([site.url('/b')]));
    const { pages } = await crawlToArray(site.url('/'), { sitemaps: true });
    expect(paths(pages)).toEqual(['/', '/b']);
  });

  test('URLs out of scope or excluded are skipped; named sitemaps are read without robots.txt discovery', async ({ site }) => {
    const other = await startSite({ host: '127.0.0.2' });
    try {
      orphans(site, ['a', 'private/x']);
      other.page('/elsewhere', []);
      xml(site, '/s.xml', urlset([site.url('/a'), other.url('/elsewhere'), site.url('/private/x'), 'mailto:x@example.com']));
      const { pages, summary } = await crawlToArray(site.url('/'), { sitemaps: [site.url('/s.xml')], exclude: ['/private/'], obeyRobots: false });
      expect(paths(pages)).toEqual(['/', '/a']);
      expect(summary.skipped).toMatchObject({ scope: 2 });
      expect(other.hits('/elsewhere')).toBe(0);
      expect(site.hits('/robots.txt')).toBe(0);
    } finally {
      await other.close();
    }
  });

  test('a sitemap over 50,000 URLs is read up to the 50,000th', async ({ site }) => {
    site.page('/', []);
    xml(site, '/big.xml', gzipSync(urlset(Array.from({ length: 50_001 }, (_, index) => site.url(`/p${index}`)))), 'application/gzip');
    const { pages, summary } = await crawlToArray(site.url('/'), { sitemaps: [site.url('/big.xml')], obeyRobots: false, maxPages: 1 });
    expect(pages).toHaveLength(1);
    expect(summary.seen).toBe(50_001);
    expect(summary.queued).toBe(50_000);
  }, 30_000);

  test('a persisted run keeps its sitemap seeds: a resume crawls the rest without reading the sitemaps again', async ({ site, tmp }) => {
    const names = Array.from({ length: 12 }, (_, index) => `p${index}`);
    orphans(site, names);
    site.robots(`Sitemap: ${site.url('/s.xml')}\n`);
    xml(site, '/s.xml', urlset(names.map((name) => site.url(`/${name}`))));
    const out = join(tmp, 'out');
    const path = join(out, 'state.db');
    const base = { startUrls: [site.url('/')], outDir: out, extractors: [new LinkExtractor(), new TitleExtractor()], logLevel: 'silent' as const, workers: 0, concurrency: 1, persist: { path }, sitemaps: true };
    const controller = new AbortController();
    let written = 0;
    const stopping = { write: (_record: PageRecord) => void (++written === 4 && controller.abort()), close() {} };
    const first = await new Crawler({ ...base, signal: controller.signal, stopGraceMs: 0, pages: stopping }).run();
    expect(first.stopReason).toBe('aborted');
    await expect(new Crawler({ ...base, sitemaps: false }).run()).rejects.toThrow(/`sitemaps`/);
    const resumed = await new Crawler(base).run();
    expect(resumed.stopReason).toBe('completed');
    const lines = (await readFile(join(out, 'pages.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as PageRecord);
    expect(paths(lines)).toEqual(['/', ...names.map((name) => `/${name}`)].sort());
    expect(site.hits('/s.xml')).toBe(1);
    expect(site.hits('/robots.txt')).toBe(1);
    // Each page once, but for the one in flight when the first run stopped.
    expect(names.reduce((sum, name) => sum + site.hits(`/${name}`), 0)).toBeLessThanOrEqual(names.length + 1);
  });
});
