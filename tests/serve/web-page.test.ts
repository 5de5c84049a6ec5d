import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { expect, test } from '../helpers/fixtures.js';
import { serveImage } from '../helpers/harvest.js';
import { chainSite, startTestService } from '../helpers/service.js';
import { startSite } from '../helpers/site.js';
import type { Site } from '../helpers/site.js';

// The few DOM types the page callbacks use (the tests compile without the DOM library).
interface ImageNode { complete: boolean; naturalWidth: number; getAttribute(name: string): string | null }
declare const document: { querySelectorAll(selector: string): Iterable<ImageNode>; querySelector(selector: string): ImageNode | null; documentElement: { scrollWidth: number } };

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// Screenshots of every run land here (gitignored); the README's is copied to docs/img/service.png only when asked:
// SITECRAWL_SCREENSHOTS=docs npx vitest run tests/serve/web-page.test.ts
const ARTIFACTS = resolve('test-artifacts/web-page');
const README_SCREENSHOT = resolve('docs/img/service.png');
const PHONE = { width: 390, height: 844 };

const solid = (width: number, height: number, r: number, g: number, b: number) => sharp({ create: { width, height, channels: 3, background: { r, g, b } } });

async function animatedGif(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 2 * 3);
  for (let i = 0; i < width * height; i++) {
    raw.set([230, 120, 0], i * 3);
    raw.set([0, 90, 200], (width * height + i) * 3);
  }
  return sharp(raw, { raw: { width, height: height * 2, channels: 3, pageHeight: height } }).gif({ delay: [200, 200] }).toBuffer();
}

// A landscape: sky gradient, sun, hills; rendered by sharp into each raster format, so the gallery looks like one.
function scene(width: number, height: number, [skyTop, skyBottom, sun, hills]: readonly string[]): Buffer {
  const h = (fraction: number) => Math.round(height * fraction);
  const w = (fraction: number) => Math.round(width * fraction);
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${skyTop}"/><stop offset="1" stop-color="${skyBottom}"/></linearGradient></defs>
<rect width="${width}" height="${height}" fill="url(#sky)"/><circle cx="${w(0.7)}" cy="${h(0.35)}" r="${h(0.12)}" fill="${sun}"/>
<path d="M0 ${h(0.75)} Q ${w(0.3)} ${h(0.45)} ${w(0.6)} ${h(0.72)} T ${width} ${h(0.62)} V ${height} H 0 Z" fill="${hills}"/></svg>`);
}

/** A small site whose pages show real PNG, JPEG, GIF (animated), SVG and WebP images, and one too small to keep. */
async function imageSite(site: Site): Promise<number> {
  const images: Array<[string, Buffer, string]> = [
    ['/img/harbour.png', await sharp(scene(600, 400, ['#0b3d91', '#8ec5ff', '#ffd54f', '#1b5e20'])).png().toBuffer(), 'image/png'],
    ['/img/field.jpg', await sharp(scene(640, 480, ['#ff7043', '#ffe0b2', '#fff59d', '#33691e'])).jpeg().toBuffer(), 'image/jpeg'],
    ['/img/blink.gif', await animatedGif(200, 100), 'image/gif'],
    ['/img/logo.svg', scene(300, 150, ['#4a148c', '#f48fb1', '#ffffff', '#263238']), 'image/svg+xml'],
    ['/img/sunset.webp', await sharp(scene(400, 400, ['#311b92', '#ff8a65', '#ffcc80', '#3e2723'])).webp().toBuffer(), 'image/webp'],
    ['/img/dot.png', await solid(8, 8, 0, 0, 0).png().toBuffer(), 'image/png'],
  ];
  for (const [path, body, type] of images) serveImage(site, path, body, type);
  site
    .page('/', ['/gallery/a', '/gallery/b'], { title: 'Image site home', body: '<img src="/img/harbour.png" alt="Harbour"><img src="/img/dot.png" alt="dot">' })
    .page('/gallery/a', [], { title: 'Gallery a', body: '<img src="/img/field.jpg" alt="Field"><img src="/img/blink.gif" alt="Blinking">' })
    .page('/gallery/b', ['/gone'], { title: 'Gallery b', body: '<img src="/img/logo.svg" alt="Logo"><img src="/img/sunset.webp" alt="Sunset">' });
  return 5;
}

const badge = (page: Page) => page.locator('.job-view .state .badge');

async function waitForState(page: Page, state: string, timeout = 60_000): Promise<void> {
  await page.locator('.job-view .state .badge', { hasText: new RegExp(`^${state}$`) }).waitFor({ timeout });
}

async function submit(page: Page, url: string, mode: 'Images' | 'Crawl' | 'Audit', fields: Record<string, string> = {}, checks: string[] = []): Promise<string> {
  const before = page.url();
  await page.getByLabel('Start URL').fill(url);
  await page.getByLabel(mode, { exact: true }).check();
  for (const [label, value] of Object.entries(fields)) await page.getByLabel(label, { exact: true }).fill(value);
  for (const label of checks) await page.getByLabel(label, { exact: true }).check();
  await page.getByRole('button', { name: 'Start' }).click();
  await page.waitForURL((address) => address.href !== before && /#\/jobs\/[0-9a-z]+$/.test(address.hash));
  return /#\/jobs\/([0-9a-z]+)$/.exec(page.url())?.[1] as string;
}

test('the web page runs an images job from the form to a gallery of thumbnails, and cancels a slow job, at a phone’s width', { timeout: 120_000 }, async ({ site, tmp }) => {
  const expectedImages = await imageSite(site);
  const slow = await startSite();
  chainSite(slow, 60, 400);
  const service = await startTestService(join(tmp, 'data'));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  await mkdir(ARTIFACTS, { recursive: true });
  try {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('requestfailed', (request) => {
      // Requests the page drops itself are not failures: an event stream closed at its end event, fetches in flight
      // when the test navigates away (ERR_ABORTED).
      const reason = request.failure()?.errorText ?? '';
      if (!request.url().includes('/events') && reason !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${reason}`);
    });

    await page.goto(service.url);
    await page.getByRole('heading', { name: 'New job' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'phone-empty.png'), fullPage: true });

    // 1. An images job from the form: the progress bar reaches done and the gallery shows thumbnails.
    const imagesJob = await submit(page, site.url('/'), 'Images', { Depth: '1', 'Min width (px)': '20', 'Min height (px)': '20' });
    await waitForState(page, 'done');
    expect((await (await page.request.get(`${service.url}/api/crawls/${imagesJob}`)).json()).options).toEqual({ maxDepth: 1, minWidth: 20, minHeight: 20 });
    expect(await page.locator('#job-progress').evaluate((bar) => (bar as unknown as { value: number }).value)).toBe(100);
    expect(await page.locator('.stat-pages dd').textContent()).toBe('3');
    expect(await page.locator('.stat-images-saved dd').textContent()).toBe(String(expectedImages));
    const thumbs = page.locator('.thumbs img');
    await page.waitForFunction((count) => {
      const images = [...document.querySelectorAll('.thumbs img')];
      return images.length === count && images.every((image) => image.complete && image.naturalWidth > 0);
    }, expectedImages, { timeout: 20_000 });
    const sources = await thumbs.evaluateAll((images) => images.map((image) => (image as unknown as ImageNode).getAttribute('src') ?? ''));
    expect(sources.every((source) => new RegExp(`^/api/crawls/${imagesJob}/files/thumbs/[0-9a-f]{2}/[0-9a-f]{64}\\.webp$`).test(source))).toBe(true);
    // Thumbnails are small: the 600 px PNG's is 256 px wide.
    expect(Math.max(...(await thumbs.evaluateAll((images) => images.map((image) => (image as unknown as ImageNode).naturalWidth))))).toBeLessThanOrEqual(256);
    expect(await page.locator('.gallery .muted').textContent()).toBe('5 saved, 1 rejected (too-small 1)');
    // Every control has an accessible name (a label, or aria-label).
    const unnamed = await page.locator('input, button, select, textarea, progress').evaluateAll((controls) =>
      controls.filter((control) => {
        const element = control as unknown as { labels: { length: number } | null; getAttribute(name: string): string | null; textContent: string | null; tagName: string };
        const text = element.tagName === 'BUTTON' ? (element.textContent ?? '').trim() : '';
        return !text && !element.getAttribute('aria-label') && !(element.labels && element.labels.length > 0);
      }).length);
    expect(unnamed).toBe(0);
    // The page fits a phone's width: nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(ARTIFACTS, 'phone-images-done.png'), fullPage: true });

    // 2. Open one image: the original, large, in a modal dialog; Escape closes it.
    await page.getByRole('button', { name: /^Open png image 600×400: Harbour$/ }).click();
    const dialog = page.locator('dialog.image-dialog[open]');
    await dialog.waitFor();
    await page.waitForFunction(() => {
      const image = document.querySelector('dialog[open] img');
      return image !== null && image.complete && image.naturalWidth === 600;
    });
    expect(await dialog.locator('img').getAttribute('src')).toMatch(new RegExp(`^/api/crawls/${imagesJob}/files/images/[0-9a-f]{2}/[0-9a-f]{64}\\.png$`));
    await page.screenshot({ path: join(ARTIFACTS, 'phone-image-open.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // The job's own gallery page (the CLI's index.html) shows the thumbnails too, served by the API.
    const galleryPage = await context.newPage();
    galleryPage.on('console', (message) => {
      if (message.type() === 'error') problems.push(`gallery page: ${message.text()}`);
    });
    await galleryPage.goto(`${service.url}/api/crawls/${imagesJob}/files/index.html`);
    await galleryPage.waitForFunction((count) => [...document.querySelectorAll('main img.small')].filter((image) => image.complete && image.naturalWidth > 0).length === count, expectedImages);
    await galleryPage.close();

    // 3. The pages table filters as you type.
    expect(await page.locator('.pages tbody tr').count()).toBe(3);
    await page.getByLabel('Filter pages').fill('gallery b');
    expect(await page.locator('.pages tbody tr td.url').allTextContents()).toEqual([site.url('/gallery/b')]);
    expect(await page.locator('.pages .muted').textContent()).toBe('1 of 3 shown');

    // 4. A second job on a slow site, cancelled from its view, is marked cancelled there and in the list.
    const slowJob = await submit(page, slow.url('/'), 'Crawl', { Depth: '60' });
    await waitForState(page, 'running');
    await page.locator('.stat-pages dd', { hasText: /^[1-9]/ }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await waitForState(page, 'cancelled', 30_000);
    await page.locator(`.job-list a[href="#/jobs/${slowJob}"] .badge`, { hasText: 'cancelled' }).waitFor({ timeout: 10_000 });
    expect(Number(await page.locator('.stat-pages dd').textContent())).toBeLessThan(60);
    await page.screenshot({ path: join(ARTIFACTS, 'phone-cancelled.png'), fullPage: true });

    // 5. An audit job with external link checks: its report opens from the job view.
    const auditJob = await submit(page, site.url('/'), 'Audit', { Depth: '1' }, ['Check external links']);
    await waitForState(page, 'done');
    expect((await (await page.request.get(`${service.url}/api/crawls/${auditJob}`)).json()).options).toEqual({ maxDepth: 1, external: true });
    const report = page.getByRole('link', { name: 'Audit report' });
    expect(await report.getAttribute('href')).toBe(`/api/crawls/${auditJob}/files/report.html`);
    const answer = await page.request.get(`${service.url}/api/crawls/${auditJob}/files/report.html`);
    expect(answer.status()).toBe(200);
    expect(await answer.text()).toContain('/gone');

    // 6. The finished images job at a desktop width: the README's screenshot.
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto(`${service.url}/#/jobs/${imagesJob}`);
    await page.reload();
    await waitForState(page, 'done');
    await page.waitForFunction((count) => [...document.querySelectorAll('.thumbs img')].filter((image) => image.complete && image.naturalWidth > 0).length === count, expectedImages);
    await page.screenshot({ path: join(ARTIFACTS, 'desktop-images-done.png') });
    if (process.env['SITECRAWL_SCREENSHOTS'] === 'docs') await copyFile(join(ARTIFACTS, 'desktop-images-done.png'), README_SCREENSHOT);

    expect(await badge(page).textContent()).toBe('done');
    expect(problems).toEqual([]);
  } finally {
    await browser.close();
    await service.close();
    await slow.close();
  }
});

test('with a token, the page opened once as /?token=T calls the API with it and drops it from the address', { timeout: 60_000 }, async ({ site, tmp }) => {
  site.page('/', [], { title: 'Token site' });
  const service = await startTestService(join(tmp, 'data'), { token: 'secret-token' });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: PHONE });
    await page.goto(service.url);
    await page.getByRole('alert').filter({ hasText: 'needs its token' }).first().waitFor();

    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`${service.url}/?token=secret-token`);
    expect(new URL(page.url()).search).toBe('');
    await submit(page, site.url('/'), 'Crawl', { Depth: '0' });
    await waitForState(page, 'done');
    await page.locator('.pages tbody tr').first().waitFor();
    expect(await page.locator('.pages tbody tr td.url').allTextContents()).toEqual([site.url('/')]);
    expect(problems).toEqual([]);
  } finally {
    await browser.close();
    await service.close();
  }
});
