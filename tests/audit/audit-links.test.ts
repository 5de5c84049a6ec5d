import type { IncomingMessage, ServerResponse } from 'node:http';
import { onTestFinished } from 'vitest';
import type { AuditReport } from '../../src/index.js';
import { auditSite, pathOf } from '../helpers/audit.js';
import { closedPort } from '../helpers/closed-port.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import { startSite } from '../helpers/site.js';
import type { Site } from '../helpers/site.js';

async function externalSite(): Promise<Site> {
  const site = await startSite({ host: '127.0.0.2' });
  onTestFinished(() => site.close());
  return site;
}

/** Answers HEAD with `status` (405: method not allowed) and GET with a small page. */
function headAnswers(status: number) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'HEAD') res.writeHead(status, { allow: 'GET' }).end();
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>ok</title>');
  };
}

const methods = (site: Site, path: string) => site.requests.filter((request) => request.path === path).map((request) => request.method);
const brokenCodes = (report: AuditReport) => report.brokenLinks.map((link) => [link.url, link.error.code]).sort();

describe('broken links', () => {
  test('internal and external links that fail are broken once each, with every referrer', async ({ site }) => {
    const external = await externalSite();
    const [refusedHere, refusedThere] = [await closedPort('127.0.0.1'), await closedPort('127.0.0.2')];
    const refusedInternal = `http://127.0.0.1:${refusedHere}/`;
    const refusedExternal = `http://127.0.0.2:${refusedThere}/x`;
    site
      .page('/', ['/a', '/b', '/c', '/server-error', '/stall', refusedInternal, external.url('/gone'), external.url('/down'), refusedExternal, external.url('/fine')])
      .page('/a', ['/missing'], { body: '<a href="/missing">Missing from A</a>' })
      .page('/b', ['/missing'])
      .page('/c', ['/missing'])
      .status('/server-error', 500)
      .stall('/stall');
    external.status('/down', 500).page('/fine', []);
    const report = await auditSite(site.url('/'), { external: true, timeoutMs: 2_000 });

    expect(brokenCodes(report)).toEqual(
      [
        [site.url('/missing'), 'http-404'],
        [site.url('/server-error'), 'http-500'],
        [site.url('/stall'), 'timeout'],
        [refusedInternal, 'robots-unreachable'],
        [external.url('/gone'), 'http-404'],
        [external.url('/down'), 'http-500'],
        [refusedExternal, 'robots-unreachable'],
      ].sort(),
    );
    // RFC 9309: a host whose robots.txt cannot be fetched is not requested at all; the cause says why.
    const causes = report.brokenLinks.filter((link) => link.error.code === 'robots-unreachable').map((link) => link.error.cause);
    expect(causes).toEqual(['connect', 'connect']);
    const missing = report.brokenLinks[0];
    expect(missing?.url).toBe(site.url('/missing'));
    expect(missing?.status).toBe(404);
    expect(missing?.referrers).toEqual([
      { page: site.url('/a'), text: '/missing', element: 'a', attribute: 'href' },
      { page: site.url('/a'), text: 'Missing from A', element: 'a', attribute: 'href' },
      { page: site.url('/b'), text: '/missing', element: 'a', attribute: 'href' },
      { page: site.url('/c'), text: '/missing', element: 'a', attribute: 'href' },
    ]);
    expect(site.hits('/missing')).toBe(1);
    expect(methods(external, '/gone')).toEqual(['HEAD', 'GET']);
    expect(methods(external, '/fine')).toEqual(['HEAD']);
    expect(report.summary).toMatchObject({ broken: 7, brokenByKind: { 'http-404': 2, 'http-500': 2, 'robots-unreachable': 2, timeout: 1 }, failed: true, worstLevel: 'broken' });
  });

  test('a start URL whose robots.txt cannot be fetched is broken and fails the audit', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const report = await auditSite(url);
    expect(report.brokenLinks).toEqual([expect.objectContaining({ url, status: null, error: expect.objectContaining({ code: 'robots-unreachable', cause: 'connect' }), referrers: [] })]);
    expect(report.summary).toMatchObject({ pagesCrawled: 1, broken: 1, brokenByKind: { 'robots-unreachable': 1 }, failed: true });
  });

  test('an external link to a host whose robots.txt answers 503 is broken, and never requested', async ({ site }) => {
    const external = await externalSite();
    external.robots(503).page('/x', []);
    site.page('/', [external.url('/x')]);
    const report = await auditSite(site.url('/'), { external: true });
    expect(brokenCodes(report)).toEqual([[external.url('/x'), 'robots-unreachable']]);
    expect(report.brokenLinks[0]?.error.cause).toBe('http-503');
    expect(report.summary.failed).toBe(true);
    expect(external.requests.map((request) => request.path)).toEqual(['/robots.txt']);
  });

  test('a 404 linked from three pages is one broken entry with three referrers, fetched once', async ({ site }) => {
    site.page('/', ['/one', '/two', '/three']).page('/one', ['/gone']).page('/two', ['/gone']).page('/three', ['/gone']);
    const report = await auditSite(site.url('/'));
    expect(report.brokenLinks).toHaveLength(1);
    expect(report.brokenLinks[0]?.referrers.map((referrer) => pathOf(referrer.page))).toEqual(['/one', '/three', '/two']);
    expect(site.hits('/gone')).toBe(1);
  });

  test('without external, links out of scope are never requested and are counted as not checked', async ({ site }) => {
    const external = await externalSite();
    site.page('/', [external.url('/a'), external.url('/b'), external.url('/b#part')]);
    const report = await auditSite(site.url('/'));
    expect(external.requests).toHaveLength(0);
    expect(report.brokenLinks).toEqual([]);
    expect(report.summary.notChecked).toEqual({ external: 2, excluded: 0, unchecked: 0 });
  });

  test('links excluded by --exclude are never requested', async ({ site }) => {
    site.page('/', ['/keep', '/private/x']).page('/keep', [], { body: '<img src="/private/pic.png">' });
    const report = await auditSite(site.url('/'), { exclude: ['/private/'] });
    expect(site.hits('/private/x') + site.hits('/private/pic.png')).toBe(0);
    expect(report.summary.notChecked.excluded).toBe(2);
  });

  test('a value that is not a URL is a broken link', async ({ site }) => {
    site.html('/', '<!doctype html><title>Home page title</title><a href="http://exa mple.com:99999/">bad</a>');
    const report = await auditSite(site.url('/'));
    expect(report.brokenLinks.map((link) => [link.url, link.error.code])).toEqual([['http://exa mple.com:99999/', 'invalid-url']]);
  });
});

describe('HEAD and GET', () => {
  test('HEAD refused with 405 falls back to GET, and the host then gets GET straight away', async ({ site }) => {
    const external = await externalSite();
    external.route('/first', headAnswers(405)).route('/second', headAnswers(405));
    // /later is served once the first check's GET has reached the server: the second link is found a round trip after.
    site
      .page('/', [external.url('/first'), '/later'])
      .route('/later', (_req, res) => {
        void external.waitForHit('/first', 2).then(() => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>later</title><a href="/deeper">d</a>'));
      })
      .page('/deeper', [external.url('/second')]);
    const report = await auditSite(site.url('/'), { external: true });
    expect(report.brokenLinks).toEqual([]);
    expect(methods(external, '/first')).toEqual(['HEAD', 'GET']);
    expect(methods(external, '/second')).toEqual(['GET']);
  });

  test('a HEAD that lies (404 for a page that exists) is confirmed with GET', async ({ site }) => {
    const external = await externalSite();
    external.route('/liar', headAnswers(404));
    site.page('/', [external.url('/liar')]);
    const report = await auditSite(site.url('/'), { external: true });
    expect(report.brokenLinks).toEqual([]);
    expect(methods(external, '/liar')).toEqual(['HEAD', 'GET']);
  });
});

describe('each URL checked once', () => {
  test('resources and links beyond the depth are checked with one HEAD however many pages refer to them', async ({ site }) => {
    const assets = '<img src="/logo.png" srcset="/logo.png 1x, /logo@2x.png 2x"><link rel="stylesheet" href="/site.css"><script src="/app.js"></script>';
    site
      .page('/', ['/p1', '/p2', '/logo.png'], { body: assets })
      .page('/p1', ['/beyond', '/beyond-broken'], { body: assets })
      .page('/p2', ['/beyond'], { body: `${assets}<img src="/missing.png">` })
      .page('/beyond', [])
      .bytes('/logo.png', 100, 'image/png')
      .bytes('/logo@2x.png', 200, 'image/png')
      .html('/site.css', 'body{}', { 'content-type': 'text/css' })
      .html('/app.js', ';', { 'content-type': 'text/javascript' });
    const report = await auditSite(site.url('/'), { maxDepth: 1 });
    expect(brokenCodes(report)).toEqual([[site.url('/beyond-broken'), 'http-404'], [site.url('/missing.png'), 'http-404']]);
    // Linked by <a> on the start page too, so the crawl fetched it as a page: still once.
    expect(site.hits('/logo.png')).toBe(1);
    for (const path of ['/logo@2x.png', '/site.css', '/app.js', '/beyond']) expect(methods(site, path), path).toEqual(['HEAD']);
    expect(methods(site, '/missing.png')).toEqual(['HEAD', 'GET']);
    expect(methods(site, '/p1')).toEqual(['GET']);
    expect(report.summary.notChecked).toEqual({ external: 0, excluded: 0, unchecked: 0 });
  });

  test('links left in the frontier by max-pages are still checked, once', async ({ site }) => {
    site.page('/', ['/a', '/b', '/c', '/d']).page('/a', []).page('/b', []).page('/c', []);
    const report = await auditSite(site.url('/'), { maxPages: 2 });
    expect(report.summary.stopReason).toBe('max-pages');
    expect(brokenCodes(report)).toEqual([[site.url('/d'), 'http-404']]);
    for (const path of ['/a', '/b', '/c', '/d']) expect(site.hits(path), path).toBe(path === '/d' ? 2 : 1);
    expect(report.summary.notChecked.unchecked).toBe(0);
  });
});

describe('redirects', () => {
  test('chains are listed with their hops, single hops are not, and a loop is broken', async ({ site }) => {
    site
      .page('/', ['/chain', '/moved', '/loop-a', '/target'], { body: '<img src="/img-old.png">' })
      .redirect('/chain', '/chain-2', 301)
      .redirect('/chain-2', '/target', 302)
      .redirect('/moved', '/target', 308)
      .redirect('/loop-a', '/loop-b')
      .redirect('/loop-b', '/loop-a')
      .redirect('/img-old.png', '/img-mid.png', 301)
      .redirect('/img-mid.png', '/img.png', 307)
      .bytes('/img.png', 10, 'image/png')
      .page('/target', []);
    const report = await auditSite(site.url('/'));
    expect(report.redirects.map((issue) => [pathOf(issue.url), issue.hops.map((hop) => [pathOf(hop.url), hop.status, hop.permanent]), pathOf(issue.finalUrl)])).toEqual([
      ['/chain', [['/chain', 301, true], ['/chain-2', 302, false]], '/target'],
      ['/img-old.png', [['/img-old.png', 301, true], ['/img-mid.png', 307, false]], '/img.png'],
    ]);
    expect(report.redirects[0]).toMatchObject({ permanent: false, chain: true, downgrade: false, status: 200 });
    expect(report.brokenLinks.map((link) => [pathOf(link.url), link.error.code, link.redirects.length])).toEqual([['/loop-a', 'redirect-loop', 2]]);
    expect(site.hits('/target')).toBe(1);
  });
});

describe('unverifiable', () => {
  const walls = (site: Site) =>
    site
      .robots('User-agent: *\nDisallow: /private\n')
      .page('/', ['/login', '/forbidden', '/robot-wall', '/private/page'])
      .status('/login', 401)
      .status('/forbidden', 403)
      .status('/robot-wall', 999);

  test('401, 403, 999 and robots.txt disallowed links are unverifiable, not broken', async ({ site }) => {
    const report = await auditSite(walls(site).url('/'));
    expect(report.brokenLinks).toEqual([]);
    expect(report.unverifiable.map((link) => [pathOf(link.url), link.error.code])).toEqual([
      ['/forbidden', 'http-403'],
      ['/login', 'http-401'],
      ['/private/page', 'robots-disallowed'],
      ['/robot-wall', 'http-999'],
    ]);
    expect(site.hits('/private/page')).toBe(0);
    expect(report.summary.failed).toBe(false);
  });

  test('strict counts the status answers as broken; robots.txt still only makes a link unverifiable', async ({ site }) => {
    const report = await auditSite(walls(site).url('/'), { strict: true });
    expect(report.brokenLinks.map((link) => pathOf(link.url)).sort()).toEqual(['/forbidden', '/login', '/robot-wall']);
    expect(report.unverifiable.map((link) => pathOf(link.url))).toEqual(['/private/page']);
  });
});

test('a page linked as HTML that answers something else, and an image answered with HTML, are content-type issues', async ({ site }) => {
  site
    .page('/', ['/doc.html', '/dir/', '/download'], { body: '<img src="/pic.png">' })
    .html('/doc.html', 'plain', { 'content-type': 'text/plain' })
    .html('/download', 'zip', { 'content-type': 'application/zip' })
    .page('/dir/', [])
    .page('/pic.png', []);
  const report = await auditSite(site.url('/'));
  expect(report.contentTypeIssues.map((issue) => [pathOf(issue.url), issue.expected, issue.contentType])).toEqual([
    ['/doc.html', 'html', 'text/plain'],
    ['/pic.png', 'image', 'text/html'],
  ]);
});
