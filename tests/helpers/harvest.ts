import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Crawler, ImageExtractor, ImageSaver, LinkExtractor } from '../../src/index.js';
import type { CrawlSummary, CrawlerOptions, ImageExtractorOptions, ImageSaverOptions } from '../../src/index.js';
import type { Site } from './site.js';

/** What a harvest left in its output directory. */
export interface Harvest {
  summary: CrawlSummary;
  /** Every line of images.jsonl. */
  records: Array<Record<string, unknown>>;
  /** Records of saved images (`error: null`), and of rejected ones. */
  saved: Array<Record<string, unknown>>;
  rejected: Array<Record<string, unknown>>;
  /** Every file under OUT/images, relative to OUT, sorted. */
  files: string[];
  /** The saver that ran. */
  saver: ImageSaver;
}

/** The lines of a JSON Lines file. */
export async function readJsonLines(path: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path, 'utf8');
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Every file under `dir`, relative to `root`, sorted. */
export async function listFiles(root: string, dir = root): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(root, path)));
    else files.push(relative(root, path).split('\\').join('/'));
  }
  return files.sort();
}

/** Options of one test harvest. */
export interface HarvestOptions {
  saver?: ImageSaverOptions;
  extractor?: ImageExtractorOptions;
  crawl?: Partial<CrawlerOptions>;
}

/** Crawls `startUrl` with the link and image extractors and an ImageSaver into `outDir` (quiet, main-thread parsing, fast retries). */
export async function harvest(startUrl: string, outDir: string, options: HarvestOptions = {}, SaverClass = ImageSaver): Promise<Harvest> {
  // Thumbnails are off unless a test asks for them: the tests of other steps pin records and counters without them.
  const saver = new SaverClass({ outDir, thumbnails: false, ...options.saver });
  const summary = await new Crawler({
    startUrls: [startUrl],
    extractors: [new LinkExtractor(), new ImageExtractor(options.extractor)],
    savers: [saver],
    logLevel: 'silent',
    retryDelayMs: 1,
    workers: 0,
    ...options.crawl,
  }).run();
  const records = await readJsonLines(join(outDir, 'images.jsonl'));
  return {
    summary,
    records,
    saved: records.filter((record) => record['error'] === null),
    rejected: records.filter((record) => record['error'] !== null),
    files: await listFiles(outDir, join(outDir, 'images')),
    saver,
  };
}

/** The path part of each URL, sorted. */
export function pathsOf(urls: readonly unknown[]): string[] {
  return urls.map((url) => new URL(String(url)).pathname).sort();
}

/** Serves `body` at `path` with `contentType` (default `image/png`), as a real image host would. */
export function serveImage(site: Site, path: string, body: Buffer, contentType = 'image/png'): void {
  site.route(path, (req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}
