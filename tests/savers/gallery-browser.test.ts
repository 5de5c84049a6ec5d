import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { expect, test } from '../helpers/fixtures.js';
import { harvest, serveImage } from '../helpers/harvest.js';
import { SCRIPT_RAN, png, scriptedSvg } from '../helpers/images.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

test('index.html in headless Chromium shows a scripted SVG large on a click without running its script, and closes on Escape', async ({ site, tmp }) => {
  site.page('/', [], { body: '<img src="/scripted.svg" alt="scripted"><img src="/a.png" alt="raster">' });
  serveImage(site, '/scripted.svg', scriptedSvg(40, 20), 'image/svg+xml');
  serveImage(site, '/a.png', png(12, 9));
  const result = await harvest(site.url('/'), tmp);
  expect(result.saved.find((record) => record['type'] === 'svg')).toMatchObject({ hasScript: true });

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    const violations: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const gallery = pathToFileURL(join(tmp, 'index.html')).href;
    await page.goto(gallery);
    // Both images load under the CSP.
    const loaded = await page.locator('main img').evaluateAll((images) => images.map((image) => (image as unknown as { naturalWidth: number }).naturalWidth > 0));
    expect(loaded).toEqual([true, true]);

    const svgFigure = page.locator('figure[data-type="svg"]');
    await svgFigure.locator('a.thumb').click();
    const id = await svgFigure.getAttribute('id');
    expect(page.url()).toBe(`${gallery}#${id}`);
    // The same <img> is shown large, over the page.
    const box = await svgFigure.locator('a.thumb img').boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    expect(await page.title()).toBe('sitecrawl images');
    expect(await page.evaluate(() => (globalThis as { scriptRan?: boolean }).scriptRan ?? false)).toBe(false);
    expect(await page.title()).not.toBe(SCRIPT_RAN);

    await page.keyboard.press('Escape');
    await page.waitForURL(`${gallery}#_`);
    expect((await svgFigure.locator('a.thumb img').boundingBox())?.width).toBeLessThan(200);

    // A click on the large view closes it too.
    await svgFigure.locator('a.thumb').click();
    await page.mouse.click(5, 5);
    await page.waitForURL(`${gallery}#_`);

    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
  } finally {
    await browser.close();
  }
});
