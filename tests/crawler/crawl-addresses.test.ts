import { onTestFinished } from 'vitest';
import { OptionsError, resolveOptions } from '../../src/index.js';
import type { AddressFilter } from '../../src/index.js';
import { auditSite } from '../helpers/audit.js';
import { byPath, crawlToArray } from '../helpers/crawl.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import { harvest, serveImage } from '../helpers/harvest.js';
import { png } from '../helpers/images.js';
import { startSite } from '../helpers/site.js';
import type { Site } from '../helpers/site.js';

// Tests reach loopback only. The built-in rule refuses all of 127.0.0.0/8, so tests that need an allowed host and a
// refused one pass a rule of their own: 127.0.0.1 allowed, the "internal" site on 127.0.0.2 refused.
const only127001: AddressFilter = (address) => address === '127.0.0.1';

async function internalSite(): Promise<Site> {
  const site = await startSite({ host: '127.0.0.2' });
  onTestFinished(() => site.close());
  return site;
}

describe('denyPrivateAddresses: true', () => {
  test.for([true, false])('a loopback start URL is recorded blocked-address and the server sees no request (obeyRobots %s)', async (obeyRobots, { site }) => {
    site.page('/', []).robots('User-agent: *\nAllow: /\n');
    const { pages, summary } = await crawlToArray(site.url('/'), { denyPrivateAddresses: true, obeyRobots, retries: 2 });
    expect(pages).toHaveLength(1);
    // With robots.txt on, its own request is the one refused, and the page records that without a request of its own.
    expect(pages[0]).toMatchObject({ status: null, error: { code: 'blocked-address' }, attempts: obeyRobots ? 0 : 1 });
    expect(summary.errors).toEqual({ 'blocked-address': 1 });
    expect(site.requests).toHaveLength(0);
  });

  test('a hostname that resolves to loopback is refused after DNS, not retried, and the server sees no request', async ({ site }) => {
    site.page('/', []);
    const { pages } = await crawlToArray(`http://localhost:${site.port}/`, { denyPrivateAddresses: true, obeyRobots: false, retries: 2 });
    expect(pages[0]).toMatchObject({ status: null, error: { code: 'blocked-address' }, attempts: 1 });
    expect(site.requests).toHaveLength(0);
  });

  test('off by default: the same loopback site is crawled', async ({ site }) => {
    site.page('/', ['/a']).page('/a', []);
    const { pages } = await crawlToArray(site.url('/'));
    expect(pages.map((page) => page.error)).toEqual([null, null]);
  });
});

describe('denyPrivateAddresses as a function', () => {
  test('a hostname whose every address the rule allows is crawled through the checked lookup', async ({ site }) => {
    site.page('/', ['/a']).page('/a', []);
    const loopback: AddressFilter = (address) => address === '127.0.0.1' || address === '::1';
    const { pages } = await crawlToArray(`http://localhost:${site.port}/`, { denyPrivateAddresses: loopback });
    expect(pages.map((page) => [new URL(page.url).pathname, page.status, page.error])).toEqual([
      ['/', 200, null],
      ['/a', 200, null],
    ]);
  });

  test.for([true, false])('a redirect to a refused address is recorded blocked-address with no request there (obeyRobots %s)', async (obeyRobots, { site }) => {
    const internal = await internalSite();
    internal.page('/secret', []);
    site.page('/', ['/r']).redirect('/r', internal.url('/secret'));
    const { pages } = await crawlToArray(site.url('/'), { denyPrivateAddresses: only127001, scope: 'any', obeyRobots });
    expect(byPath(pages, '/r')).toMatchObject({ finalUrl: internal.url('/secret'), error: { code: 'blocked-address' } });
    expect(byPath(pages, '/r').redirects).toEqual([{ url: site.url('/r'), status: 301 }]);
    expect(internal.requests).toHaveLength(0);
  });

  test('a robots.txt that redirects to a refused address: no request there, and the origin records blocked-address', async ({ site }) => {
    const internal = await internalSite();
    internal.robots('User-agent: *\nAllow: /\n');
    site.page('/', ['/a']).page('/a', []).redirect('/robots.txt', internal.url('/robots.txt'));
    const { pages } = await crawlToArray(site.url('/'), { denyPrivateAddresses: only127001 });
    expect(pages.map((page) => [new URL(page.url).pathname, page.error?.code])).toEqual([['/', 'blocked-address']]);
    expect(site.requests.map((request) => request.path)).toEqual(['/robots.txt']);
    expect(internal.requests).toHaveLength(0);
  });

  test.for([true, false])('an image at a refused address is rejected as blocked-address with no request there (obeyRobots %s)', async (obeyRobots, { site, tmp }) => {
    const internal = await internalSite();
    serveImage(internal, '/pic.png', png(20, 20));
    serveImage(site, '/ok.png', png(20, 20, 2));
    site.page('/', [], { body: `<img src="${internal.url('/pic.png')}"><img src="/ok.png">` });
    const result = await harvest(site.url('/'), tmp, { crawl: { denyPrivateAddresses: only127001, obeyRobots } });
    expect(result.rejected).toEqual([expect.objectContaining({ url: internal.url('/pic.png'), error: expect.objectContaining({ code: 'blocked-address' }) })]);
    expect(result.saved.map((record) => record['url'])).toEqual([site.url('/ok.png')]);
    expect(internal.requests).toHaveLength(0);
  });

  test('an audit reports a link to a refused address as broken (blocked-address) with no request there', async ({ site }) => {
    const internal = await internalSite();
    internal.page('/admin', []);
    site.page('/', [internal.url('/admin')]);
    const report = await auditSite(site.url('/'), { external: true, denyPrivateAddresses: only127001 });
    expect(report.brokenLinks.map((link) => [link.url, link.error.code])).toEqual([[internal.url('/admin'), 'blocked-address']]);
    expect(internal.requests).toHaveLength(0);
  });
});

test.for([['yes'], [1], [{}]])('denyPrivateAddresses %j is rejected as an invalid option', ([value]) => {
  expect(() => resolveOptions({ startUrls: ['http://127.0.0.1/'], denyPrivateAddresses: value as never })).toThrow(OptionsError);
});
