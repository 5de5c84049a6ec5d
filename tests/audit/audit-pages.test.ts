import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditCrawler, OptionsError } from '../../src/index.js';
import type { AuditReport } from '../../src/index.js';
import { auditSite, pathOf } from '../helpers/audit.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import type { Site } from '../helpers/site.js';

const doc = (title: string | null, body = '', head = '') =>
  `<!doctype html><html><head>${title === null ? '' : `<title>${title}</title>`}${head}</head><body>${body}</body></html>`;
const described = (text: string) => `<meta name="description" content="${text}">`;
const issues = (report: AuditReport, list: 'titleIssues' | 'metaIssues') => report[list].map((issue) => [issue.issue, issue.pages.map(pathOf)]);

describe('titles and meta', () => {
  function titledSite(site: Site): Site {
    const links = ['/dup-1', '/dup-2', '/untitled', '/empty', '/long', '/short', '/two-h1', '/canon', '/canon-broken', '/hidden-dup'];
    return site
      .html('/', doc('Home of the audit test site', `<h1>Home</h1>${links.map((link) => `<a href="${link}">${link}</a>`).join('')}`, described('Home')))
      .html('/dup-1', doc('Shared title of two pages', '<h1>One</h1>', described('Same words')))
      .html('/dup-2', doc('Shared title of two pages', '<h1>Two</h1>', described('Same words')))
      .html('/hidden-dup', doc('Shared title of two pages', '<h1>Hidden</h1>', `${described('Same words')}<meta name="robots" content="noindex">`))
      .html('/untitled', doc(null, '<h1>No title</h1>', described('Untitled')))
      .html('/empty', doc('', '<h1>Empty</h1>', described('Empty')))
      .html('/long', doc('A title that goes on and on, well past what a search result shows', '<h1>Long</h1>', described('Long')))
      .html('/short', doc('Hi', '<h1>Short</h1>', described('')))
      .html('/two-h1', doc('Two headings on one page', '<h1>First</h1><h1>Second</h1>'))
      .html('/canon', doc('A page with a canonical link', '<h1>Canon</h1>', `${described('Canon')}<link rel="canonical" href="/">`))
      .html('/canon-broken', doc('A canonical link to nowhere', '<h1>Broken canon</h1>', `${described('Nowhere')}<link rel="canonical" href="/no-such-page">`));
  }

  test('missing, empty, long, short and duplicate titles, and description, h1 and canonical issues', async ({ site }) => {
    const report = await auditSite(titledSite(site).url('/'));
    expect(issues(report, 'titleIssues')).toEqual([
      ['missing', ['/untitled']],
      ['empty', ['/empty']],
      ['too-long', ['/long']],
      ['too-short', ['/short']],
      ['duplicate', ['/dup-1', '/dup-2']],
    ]);
    expect(report.titleIssues.find((issue) => issue.issue === 'too-long')?.length).toBe(65);
    expect(issues(report, 'metaIssues')).toEqual([
      ['canonical-broken', ['/canon-broken']],
      ['canonical-elsewhere', ['/canon']],
      ['description-missing', ['/two-h1']],
      ['description-empty', ['/short']],
      ['description-duplicate', ['/dup-1', '/dup-2']],
      ['h1-multiple', ['/two-h1']],
    ]);
    expect(report.brokenLinks.map((link) => [pathOf(link.url), link.referrers.map((referrer) => referrer.element)])).toEqual([['/no-such-page', ['link']]]);
    expect(report.summary).toMatchObject({ titleIssues: 5, metaIssues: 6 });
  });

  test('title limits are options', async ({ site }) => {
    const report = await auditSite(titledSite(site).url('/'), { titleMax: 70, titleMin: 0 });
    expect(report.titleIssues.map((issue) => issue.issue)).toEqual(['missing', 'empty', 'duplicate']);
  });
});

describe('fragments', () => {
  function fragmentSite(site: Site): Site {
    const links = ['/doc#present', '/doc#named', '/doc#missing', '/doc#caf%C3%A9', '#local', '#gone', '#top', '/next'];
    return site
      .html('/', doc('Fragments home page', `<h1 id="local">Home</h1>${links.map((link) => `<a href="${link}">${link}</a>`).join('')}`))
      .html('/doc', doc('The linked document', '<h2 id="present">Present</h2><a name="named"></a><p id="café">accent</p>'))
      .html('/next', doc('Next page of the site', '<a href="/beyond#here">here</a><a href="/beyond#absent">absent</a>'))
      .html('/beyond', doc('Beyond the depth limit', '<p id="here">here</p>'));
  }

  test('with check-fragments, links to ids and named anchors pass and the others are listed', async ({ site }) => {
    const report = await auditSite(fragmentSite(site).url('/'), { checkFragments: true, maxDepth: 1 });
    expect(report.fragmentIssues.map((issue) => [pathOf(issue.url), pathOf(issue.page), issue.referrers.map((referrer) => pathOf(referrer.page))])).toEqual([
      ['/#gone', '/', ['/']],
      ['/beyond#absent', '/beyond', ['/next']],
      ['/doc#missing', '/doc', ['/']],
    ]);
    // Beyond the depth, the checker read the page (GET) to learn its anchors; it was not crawled.
    expect(site.requests.filter((request) => request.path === '/beyond').map((request) => request.method)).toEqual(['GET']);
    expect(report.summary).toMatchObject({ fragmentIssues: 3, failed: true });
  });

  test('without check-fragments, fragments are not checked', async ({ site }) => {
    const report = await auditSite(fragmentSite(site).url('/'), { maxDepth: 1 });
    expect(report.fragmentIssues).toEqual([]);
    expect(report.summary.failed).toBe(false);
  });
});

describe('sitemaps', () => {
  const urlset = (site: Site, paths: string[]) =>
    `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths.map((path) => `<url><loc>${site.url(path)}</loc></url>`).join('')}</urlset>`;

  function mappedSite(site: Site, robots: string): Site {
    const xml = { 'content-type': 'application/xml' };
    return site
      .robots(robots)
      .html('/sitemap-index.xml', `<sitemapindex><sitemap><loc>${site.url('/sitemap-pages.xml')}</loc></sitemap><sitemap><loc>${site.url('/sitemap-gone.xml')}</loc></sitemap></sitemapindex>`, xml)
      .html('/sitemap-pages.xml', urlset(site, ['/', '/linked', '/orphan', '/listed-404', '/listed-moved', '/listed-moved-away']), xml)
      .page('/', ['/linked'], { title: 'Home of the mapped site' })
      .page('/linked', [], { title: 'A page reached by a link' })
      .page('/orphan', [], { title: 'A page no link reaches' })
      .page('/away', [], { title: 'A page only a redirect reaches' })
      .redirect('/listed-moved', '/linked')
      .redirect('/listed-moved-away', '/away');
  }

  test('sitemaps from robots.txt are read, their URLs checked, and orphans, errors and redirects listed', async ({ site }) => {
    const report = await auditSite(mappedSite(site, 'User-agent: *\nAllow: /\nSitemap: /sitemap-index.xml\n').url('/'), { sitemap: true });
    expect(report.sitemaps.map((file) => [pathOf(file.url), file.source, file.kind, file.urls, file.error?.code ?? null])).toEqual([
      ['/sitemap-index.xml', 'robots', 'index', 2, null],
      ['/sitemap-pages.xml', 'index', 'urlset', 6, null],
      ['/sitemap-gone.xml', 'index', null, 0, 'http-404'],
    ]);
    expect(report.orphans.map((orphan) => [pathOf(orphan.url), orphan.status, pathOf(orphan.sitemap)])).toEqual([
      ['/listed-moved-away', 200, '/sitemap-pages.xml'],
      ['/orphan', 200, '/sitemap-pages.xml'],
    ]);
    expect(report.sitemapIssues.map((issue) => [pathOf(issue.url), issue.issue, issue.status])).toEqual([
      ['/listed-404', 'error', 404],
      ['/listed-moved', 'redirect', 200],
      ['/listed-moved-away', 'redirect', 200],
    ]);
    expect(report.brokenLinks.map((link) => [pathOf(link.url), link.referrers])).toEqual([
      ['/listed-404', [{ page: site.url('/sitemap-pages.xml'), text: '', element: 'sitemap', attribute: 'loc' }]],
    ]);
    const methods = (path: string) => site.requests.filter((request) => request.path === path).map((request) => request.method);
    expect([methods('/orphan'), methods('/listed-404')]).toEqual([['HEAD'], ['HEAD', 'GET']]);
    // Crawled once; the HEAD is the redirect hop of /listed-moved.
    expect(methods('/linked')).toEqual(['GET', 'HEAD']);
    expect(report.summary).toMatchObject({ sitemapUrls: 6, orphans: 2, sitemapIssues: 3 });
    // One robots.txt fetch serves the crawl's rules and the audit's Sitemap lines.
    expect(site.hits('/robots.txt')).toBe(1);
  });

  test('a sitemap given by URL is read without robots.txt listing it', async ({ site }) => {
    const report = await auditSite(mappedSite(site, 'User-agent: *\nAllow: /\n').url('/'), { sitemapUrls: [site.url('/sitemap-pages.xml')] });
    expect(report.sitemaps.map((file) => [pathOf(file.url), file.source])).toEqual([['/sitemap-pages.xml', 'option']]);
    expect(report.orphans.map((orphan) => pathOf(orphan.url))).toEqual(['/listed-moved-away', '/orphan']);
    expect(site.hits('/sitemap-index.xml')).toBe(0);
  });

  test('without a Sitemap line, discovery tries /sitemap.xml', async ({ site }) => {
    site.page('/', []).html('/sitemap.xml', urlset(site, ['/', '/hidden']), { 'content-type': 'application/xml' }).page('/hidden', []);
    const report = await auditSite(site.url('/'), { sitemap: true });
    expect(report.sitemaps.map((file) => [pathOf(file.url), file.source])).toEqual([['/sitemap.xml', 'default']]);
    expect(report.orphans.map((orphan) => pathOf(orphan.url))).toEqual(['/hidden']);
  });
});

describe('outputs', () => {
  test('audit.json, audit.csv and report.html are written whole, with no temporary file left', async ({ site, tmp }) => {
    site.page('/', ['/a', '/b']).page('/a', ['/gone'], { body: '<a href="/gone">=HYPERLINK("x")</a>' }).page('/b', ['/gone']);
    const out = join(tmp, 'out');
    const report = await auditSite(site.url('/'), { outDir: out });
    expect((await readdir(out)).sort()).toEqual(['audit.csv', 'audit.json', 'report.html']);
    expect(JSON.parse(await readFile(join(out, 'audit.json'), 'utf8'))).toEqual(report);
    const rows = (await readFile(join(out, 'audit.csv'), 'utf8')).trimEnd().split('\r\n');
    expect(rows).toEqual([
      'url,status,error,message,referrer,text,element,attribute',
      `${site.url('/gone')},404,http-404,HTTP 404,${site.url('/a')},/gone,a,href`,
      `${site.url('/gone')},404,http-404,HTTP 404,${site.url('/a')},"'=HYPERLINK(""x"")",a,href`,
      `${site.url('/gone')},404,http-404,HTTP 404,${site.url('/b')},/gone,a,href`,
    ]);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain(`<a href="${site.url('/gone')}"`);
  });

  test('an output directory that cannot be written fails before any request', async ({ site, tmp }) => {
    const file = join(tmp, 'a-file');
    await writeFile(file, 'not a directory');
    site.page('/', []);
    const crawler = new AuditCrawler({ startUrls: [site.url('/')], outDir: join(file, 'out'), logLevel: 'silent' });
    await expect(crawler.audit()).rejects.toMatchObject({ code: 'invalid-option', option: 'outDir' });
    await expect(crawler.audit()).rejects.toBeInstanceOf(OptionsError);
    expect(site.requests).toHaveLength(0);
  });

  test('options are validated in the constructor', () => {
    expect(() => new AuditCrawler({ startUrls: ['http://127.0.0.1/'], titleMin: 80 })).toThrow(expect.objectContaining({ option: 'titleMin' }));
    expect(() => new AuditCrawler({ startUrls: ['http://127.0.0.1/'], failOn: 'never' as 'none' })).toThrow(expect.objectContaining({ option: 'failOn' }));
    expect(() => new AuditCrawler({ startUrls: ['http://127.0.0.1/'], bogus: 1 } as never)).toThrow(expect.objectContaining({ option: 'bogus' }));
  });
});

test('pages parsed on worker threads give the same report', async ({ site }) => {
  site
    .page('/', ['/a', '/gone', '/a#nope'], { title: 'Home of the worker test', body: '<img src="/missing.png">' })
    .page('/a', ['/gone'], { title: 'Page a of the worker test' });
  const onMain = await auditSite(site.url('/'), { checkFragments: true });
  const onWorkers = await auditSite(site.url('/'), { checkFragments: true, workers: 2 });
  const { summary: mainSummary, ...mainLists } = onMain;
  const { summary: workerSummary, ...workerLists } = onWorkers;
  expect(workerLists).toEqual(mainLists);
  expect({ ...workerSummary, elapsedMs: 0 }).toEqual({ ...mainSummary, elapsedMs: 0 });
  expect(onWorkers.summary).toMatchObject({ broken: 2, fragmentIssues: 1 });
});
