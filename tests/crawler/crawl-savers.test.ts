import { Crawler, Extractor } from '../../src/index.js';
import type { DownloadRequest, DownloadSource, Extracted, FetchOutcome, Page, Saver, SaverContext } from '../../src/index.js';
import { expect, test } from '../helpers/fixtures.js';

/** Asks for every `<img src>` as a download of kind `file`. */
class FileLinks extends Extractor {
  readonly name = 'files';
  extract(page: Page): Extracted {
    const downloads: DownloadRequest[] = page.elements('img').map((img) => ({ url: page.resolve(page.attr(img, 'src') ?? '') ?? '', kind: 'file' }));
    return { downloads, links: page.elements('a').map((a) => ({ url: page.resolve(page.attr(a, 'href') ?? '') ?? '' })) };
  }
}

/** Fetches each download once and keeps the outcomes. */
class RecordingSaver implements Saver {
  readonly name = 'recorder';
  readonly kinds = ['file'];
  readonly outcomes: Array<FetchOutcome & { source: DownloadSource }> = [];
  readonly #pending: Promise<void>[] = [];
  #context: SaverContext | undefined;
  open(context: SaverContext): void {
    this.#context = context;
  }
  add(download: DownloadRequest, source: DownloadSource): void {
    const context = this.#context as SaverContext;
    this.#pending.push(
      context.fetch(download.url, { maxBytes: 100 }).then((outcome) => {
        this.outcomes.push({ ...outcome, source });
        context.count(outcome.error ? 'failed' : 'saved');
      }),
    );
  }
  async close(): Promise<void> {
    await Promise.all(this.#pending);
  }
}

test('downloads reach the saver of their kind, fetched through the crawl with redirects followed and the size cap', async ({ site }) => {
  site
    .page('/', ['/b'], { body: '<img src="/one.bin"><img src="/moved.bin">' })
    .page('/b', [], { body: '<img src="/big.bin"><img src="/missing.bin">' })
    .bytes('/one.bin', 10, 'application/octet-stream')
    .redirect('/moved.bin', '/one-moved.bin')
    .bytes('/one-moved.bin', 20, 'application/octet-stream')
    .bytes('/big.bin', 5000, 'application/octet-stream');
  const saver = new RecordingSaver();
  const summary = await new Crawler({ startUrls: [site.url('/')], extractors: [new FileLinks()], savers: [saver], logLevel: 'silent', retryDelayMs: 1 }).run();
  const byPath = Object.fromEntries(saver.outcomes.map((outcome) => [new URL(outcome.url).pathname, outcome]));
  expect(Object.keys(byPath).sort()).toEqual(['/big.bin', '/missing.bin', '/moved.bin', '/one.bin']);
  expect(byPath['/one.bin']).toMatchObject({ status: 200, bytes: 10, truncated: false, error: null, source: { page: site.url('/'), depth: 0 } });
  expect(byPath['/moved.bin']).toMatchObject({ finalUrl: site.url('/one-moved.bin'), bytes: 20, redirects: [{ status: 301 }] });
  expect(byPath['/big.bin']).toMatchObject({ bytes: 100, truncated: true, source: { depth: 1 } });
  expect(byPath['/missing.bin']?.error?.code).toBe('http-404');
  expect(summary.savers).toEqual({ 'recorder.saved': 3, 'recorder.failed': 1 });
  expect(summary.pages).toBe(2);
});
