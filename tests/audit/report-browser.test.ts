import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { auditSite } from '../helpers/audit.js';
import { expect, test } from '../helpers/fixtures.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

test('report.html renders its tables in headless Chromium, sorts on a header click and filters as you type', async ({ site, tmp }) => {
  site
    .page('/', ['/a', '/b', '/gone', '/removed', '/error'], { title: 'Home of the report test' })
    .page('/a', ['/gone', '/removed'], { title: 'Page a of the report test' })
    .page('/b', ['/gone'], { title: 'Page b of the report test' })
    .status('/removed', 410)
    .status('/error', 500);
  await auditSite(site.url('/'), { outDir: tmp });

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(join(tmp, 'report.html')).href);

    const urls = () => page.locator('#t-broken tbody tr td:first-child').allTextContents();
    const statuses = () => page.locator('#t-broken tbody tr td:nth-child(2)').allTextContents();
    expect(await page.locator('[data-card="broken"] strong').textContent()).toBe('3');
    expect(await urls()).toEqual([site.url('/gone'), site.url('/removed'), site.url('/error')]);
    expect(await page.locator('#t-broken tbody tr').first().locator('ul.refs a').evaluateAll((links) => links.map((link) => link.getAttribute('href')))).toEqual([
      site.url('/'),
      site.url('/a'),
      site.url('/b'),
    ]);

    const statusHeader = page.locator('#t-broken thead th').nth(1);
    await statusHeader.locator('button').click();
    expect(await statuses()).toEqual(['404', '410', '500']);
    expect(await statusHeader.getAttribute('aria-sort')).toBe('ascending');
    await statusHeader.locator('button').click();
    expect(await statuses()).toEqual(['500', '410', '404']);
    expect(await statusHeader.getAttribute('aria-sort')).toBe('descending');
    await page.locator('#t-broken thead th').first().locator('button').click();
    expect(await urls()).toEqual([site.url('/error'), site.url('/gone'), site.url('/removed')]);

    await page.locator('input[data-table="t-broken"]').fill('http-410');
    expect(await page.locator('#t-broken tbody tr:visible td:first-child').allTextContents()).toEqual([site.url('/removed')]);
    expect(await page.locator('[data-shown-for="t-broken"]').textContent()).toBe('1 of 3 shown');
    await page.locator('input[data-table="t-broken"]').fill('page b');
    expect(await page.locator('#t-broken tbody tr:visible').count()).toBe(0);
    await page.locator('input[data-table="t-broken"]').fill('');
    expect(await page.locator('#t-broken tbody tr:visible').count()).toBe(3);

    expect(await page.locator('#t-meta tbody tr').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
  } finally {
    await browser.close();
  }
});
