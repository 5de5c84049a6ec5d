import { createHash } from 'node:crypto';
import PQueue from 'p-queue';
import { setTimeout as delay } from 'node:timers/promises';
import { OptionsError } from '../errors.js';
import type { DownloadRequest } from '../extractors/extractor.js';
import type { DownloadSource, Saver, SaverContext, SaverState, SharedQuota } from '../extractors/saver.js';
import type { ImageDone } from '../storage/done-set.js';
import { FileStore } from '../storage/files.js';
import { prepareOutputDir } from '../storage/output-dir.js';
import { decodeDataUri, describeDataUri } from './data-uri.js';
import { renderGallery } from './gallery.js';
import { ImageManifest } from './image-manifest.js';
import type { SavedImageRecord } from './image-manifest.js';
import { resolveImageSaverOptions } from './image-saver-options.js';
import type { ImageSaverOptions, ResolvedImageSaverOptions } from './image-saver-options.js';
import { IMAGE_EXTENSIONS, readDimensions, sniffImageType } from './image-type.js';
import { saveThumbnail, thumbnailFieldsOf } from './thumbnail.js';
import { savedImageRecord, withThumbnailInPlace } from './saved-image-record.js';
import type { DownloadedImage } from './saved-image-record.js';
import type { ImageType } from './image-type.js';

export type { DownloadedImage } from './saved-image-record.js';

type Rejection = { code: string; message: string; status?: number | null };
/** How a write ended: the record kept (none when rejected) and whether a new file was written. */
type Written = { record: SavedImageRecord | undefined; isNew: boolean };
// While the other workers' reservations hold the last units of maxImages, ask again after this long, doubling up to the maximum.
const FIRST_QUOTA_WAIT_MS = 20;
const MAX_QUOTA_WAIT_MS = 500;
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/**
 * Saves the `image` downloads extractors ask for (see {@link ImageExtractor}) under `OUT/images/`, with a manifest
 * (`OUT/images.jsonl`) and a gallery (`OUT/index.html`). Scrapy's ImagesPipeline, as a saver.
 *
 * Downloads start as soon as pages are parsed, `imageConcurrency` at a time, through the crawl's limiter, robots.txt,
 * retries and timeouts. Each URL is fetched at most once per run. The type is sniffed from the bytes; bodies that are
 * not images (`not-an-image`), over `maxBytes` (`too-large`, cut at the cap), under the minimum sizes (`too-small`) or
 * of other types (`filtered-type`) are recorded as rejected. Content is stored once per SHA-256 under
 * `images/ab/<sha256>.<ext>`, written atomically; `maxImages` is exact (a slot is reserved before a file is written),
 * across all workers of a crawl shared through Redis too (the slot is reserved there, by content: see `SaverContext.quota`).
 * An SVG that would run script if opened as a document gets `hasScript: true` in the manifest. With `thumbnails`
 * (the default) each new content also gets a 256 px WebP under `thumbs/` (see `saveThumbnail`), listed as `thumb`.
 *
 * In a persisted run (`context.state`) each download is one unit of the crawl's work (`SaverState.inProgress`), and
 * a new file is listed, with its record, in `imageWrites` before it takes its name, so a resume adopts a file that
 * landed just before a kill instead of downloading it again.
 *
 * Steps you can override: `accept(image)` (the filters) and `fileName(image, type)` (where a file goes). Use one
 * saver per run: `limitReached` stays aborted once the limit is hit.
 */
export class ImageSaver implements Saver {
  readonly name = 'images';
  readonly kinds = ['image'] as const;
  /** The validated options. */
  readonly options: ResolvedImageSaverOptions;
  readonly #limit = new AbortController();
  readonly #keys = new Set<string>();
  /** Image URLs another worker of a shared crawl downloads. */
  readonly #others = new Set<string>();
  readonly #pending = new Map<string, Promise<Written>>();
  #context: SaverContext | undefined;
  /** maxImages counted in Redis for all workers, when the crawl is shared and has a limit. */
  #quota: SharedQuota | undefined;
  #store: FileStore | undefined;
  #manifest: ImageManifest | undefined;
  #queue: PQueue | undefined;
  #saved = 0;
  #reserved = 0;
  #closed = false;

  /** @throws OptionsError for an unknown option or a bad value. */
  constructor(options: ImageSaverOptions = {}) {
    this.options = resolveImageSaverOptions(options);
  }

  /**
   * Aborts once `maxImages` files are saved. Pass it (with your own signal, via `AbortSignal.any`) as the crawl's
   * `signal` to end the crawl there, as `sitecrawl images --max-images` does.
   */
  get limitReached(): AbortSignal {
    return this.#limit.signal;
  }

  /** Files saved by this run so far (by this worker, in a shared crawl). */
  get saved(): number {
    return this.#saved;
  }

  /**
   * Opens the output directory: creates it and proves it writable, removes `.part` files a killed run left, reads
   * back the previous manifest (with `skipSaved`) and starts the journal. Called once by the crawl before the first request.
   * @throws OptionsError when neither the saver nor the crawl has an output directory, or it cannot be written.
   */
  async open(context: SaverContext): Promise<void> {
    const outDir = this.options.outDir ?? context.outDir;
    if (outDir === undefined) throw new OptionsError('outDir', 'ImageSaver needs an output directory: set `outDir` on the saver or the crawl');
    this.#context = context;
    this.#quota = undefined;
    this.#keys.clear();
    this.#saved = 0;
    this.#closed = false;
    this.#store = new FileStore(outDir);
    const share = context.share;
    this.#manifest = new ImageManifest(this.#store, undefined, share && ((record) => share('image', record as unknown as Record<string, unknown>)));
    try {
      await prepareOutputDir(outDir);
      const removed = (await this.#store.removeStaleParts('images')) + (await this.#store.removeStaleParts('thumbs'));
      // A resumed run (`persist`) reads back its own manifest, rejections included; the done-set says what is done.
      const resumed = context.state?.resumed === true;
      const kept = await this.#manifest.open(this.options.skipSaved, resumed);
      if (resumed) await this.#adoptWritten(context.state as SaverState);
      if (resumed) this.#saved = await (context.state as SaverState).images.size('saved');
      // A run that reached maxImages before its stop is at its end.
      if (this.#saved >= this.options.maxImages) this.#limit.abort();
      context.logger.debug({ removed, kept }, 'image store opened');
    } catch (error) {
      throw new OptionsError('outDir', `Cannot write images to ${outDir}: ${(error as Error).message}`);
    }
    // A shared crawl counts maxImages for all its workers; the limit reached by any of them stops this one too.
    if (context.quota && Number.isFinite(this.options.maxImages)) {
      const quota = await context.quota('images', this.options.maxImages);
      this.#quota = quota;
      const stop = () => this.#reachLimit();
      if (quota.reached.aborted) stop();
      else quota.reached.addEventListener('abort', stop, { once: true });
    }
    this.#queue = new PQueue({ concurrency: this.options.imageConcurrency });
    context.signal.addEventListener('abort', () => this.#queue?.clear(), { once: true });
  }

  /** Queues one image download; returns at once. URLs already seen this run only add their page to the manifest. */
  add(download: DownloadRequest, source: DownloadSource): void {
    const context = this.#context;
    const manifest = this.#manifest;
    if (!context || !manifest || this.#closed || context.signal.aborted) return;
    const isData = download.url.startsWith('data:');
    const url = isData ? describeDataUri(download.url) : download.url;
    manifest.notePage(url, source.page);
    const key = isData ? `data:${sha256(download.url)}` : download.url;
    if (this.#keys.has(key)) return;
    this.#keys.add(key);
    context.count('found');
    if (this.options.skipSaved && manifest.savedFor(url)) {
      context.count('existing');
      return;
    }
    if (this.#saved >= this.options.maxImages || this.#limit.signal.aborted) return;
    this.#queue?.add(() => this.#process(download, url, source)).catch((error: unknown) => context.logger.error({ err: error, url }, 'image task failed'));
  }

  /** Waits for every queued download to settle, then writes the consolidated manifest and the gallery. */
  async close(): Promise<void> {
    this.#closed = true;
    if (!this.#queue || !this.#manifest || !this.#store) return;
    await this.#queue.onIdle();
    await this.#manifest.close();
    for (const url of this.#others) this.#context?.share?.('image-pages', { url, pages: this.#manifest.pagesOf(url) });
    if (this.options.gallery) await this.#store.write('index.html', renderGallery(this.#manifest.records()));
  }

  /**
   * Decides whether a downloaded image is kept. Called once per image that downloaded and sniffed as an image, before
   * the content is compared with what is saved. Return `true` to keep it, or a rejection code (`too-small`,
   * `filtered-type`, or your own) to record it as rejected. A throw rejects it as `accept-failed`.
   * Default: the `types`, `minBytes`, `minWidth` and `minHeight` filters.
   */
  protected accept(image: DownloadedImage): true | string {
    const { types, minBytes, minWidth, minHeight } = this.options;
    if (!types.includes(image.type)) return 'filtered-type';
    if (image.bytes < minBytes) return 'too-small';
    if ((image.width !== null && image.width < minWidth) || (image.height !== null && image.height < minHeight)) return 'too-small';
    return true;
  }

  /**
   * Where an accepted image is saved, relative to the output directory, with `/` separators. Called once per new
   * content. A name that leads outside the output directory is rejected (`bad-file-name`); an existing file of that
   * name is kept (taken as this image). Default: `images/<first two hex of sha256>/<sha256>.<ext>` (`flat` layout:
   * `images/<sha256>.<ext>`), the extension from the sniffed type.
   */
  protected fileName(image: DownloadedImage, type: ImageType): string {
    const file = `${image.sha256}.${IMAGE_EXTENSIONS[type]}`;
    return this.options.layout === 'flat' ? `images/${file}` : `images/${image.sha256.slice(0, 2)}/${file}`;
  }

  async #process(download: DownloadRequest, url: string, source: DownloadSource): Promise<void> {
    const context = this.#context as SaverContext;
    if (context.signal.aborted || this.#saved >= this.options.maxImages || this.#limit.signal.aborted) return;
    // Done before a resume: the outcome is in the manifest read back, so the image is not downloaded again.
    if ((await context.state?.images.get(url)) && (this.#manifest as ImageManifest).has(url)) return;
    // A shared crawl downloads each image URL on one worker of all; the others only tell where they saw it (at close).
    if (context.claim && !download.url.startsWith('data:') && !(await context.claim([`image:${url}`]))[0]) {
      this.#others.add(url);
      return;
    }
    // A persisted run's download is in progress, holding one of the crawl's work slots, until its outcome is committed.
    const state = context.state;
    if (state && !download.url.startsWith('data:')) return state.inProgress(() => this.#download(download, url, source));
    return this.#download(download, url, source);
  }

  async #download(download: DownloadRequest, url: string, source: DownloadSource): Promise<void> {
    const context = this.#context as SaverContext;
    const loaded = await this.#load(download.url);
    if (loaded === 'aborted') return;
    if ('code' in loaded) return this.#reject(url, source, loaded);
    const type = sniffImageType(loaded.body);
    if (type === null) return this.#reject(url, source, { code: 'not-an-image', message: `Not an image (${loaded.body.length} bytes)`, status: loaded.status });
    const dimensions = readDimensions(loaded.body, type);
    if (!dimensions) return this.#reject(url, source, { code: 'corrupt', message: `Unreadable ${type} header`, status: loaded.status });
    const alt = typeof download.data?.['alt'] === 'string' ? download.data['alt'] : '';
    const image: DownloadedImage = {
      url, finalUrl: loaded.finalUrl, page: source.page, depth: source.depth, body: loaded.body, bytes: loaded.body.length, type,
      ...dimensions, sha256: sha256(loaded.body), alt, data: download.data ?? {},
    };
    let verdict: true | string;
    try {
      verdict = this.accept(image);
    } catch (error) {
      verdict = 'accept-failed';
      context.logger.warn({ err: error, url }, 'accept() threw');
    }
    if (verdict !== true) return this.#reject(url, source, { code: verdict, message: this.#describeRejection(verdict, image), status: loaded.status });
    await this.#keep(image);
  }

  async #load(url: string): Promise<{ body: Buffer; finalUrl: string; status: number | null } | Rejection | 'aborted'> {
    const context = this.#context as SaverContext;
    if (url.startsWith('data:')) {
      const decoded = decodeDataUri(url);
      return decoded ? { body: decoded.body, finalUrl: describeDataUri(url), status: null } : { code: 'bad-data-uri', message: 'Malformed data: URI' };
    }
    const outcome = await context.fetch(url, { maxBytes: this.options.maxBytes });
    if (outcome.error?.code === 'aborted' && context.signal.aborted) return 'aborted';
    if (outcome.error) return { ...outcome.error, status: outcome.status };
    if (outcome.truncated) return { code: 'too-large', message: `Larger than maxBytes (${this.options.maxBytes}); download cut`, status: outcome.status };
    return { body: outcome.body ?? Buffer.alloc(0), finalUrl: outcome.finalUrl, status: outcome.status };
  }

  // Identical content downloading at once: the first reserves a slot and writes, the others wait for it and become
  // extra URLs of its record. A slot is reserved before the write, so saved + reserved never passes maxImages; in a
  // shared crawl the slot is reserved in Redis, by content, and given back when no new file was written.
  async #keep(image: DownloadedImage): Promise<void> {
    const manifest = this.#manifest as ImageManifest;
    for (;;) {
      const earlier = manifest.contentFor(image.sha256);
      if (earlier) return this.#duplicate(image, earlier);
      const pending = this.#pending.get(image.sha256);
      if (!pending) break;
      await pending;
    }
    const quota = this.#quota;
    if (quota) {
      const reserved = await this.#reserveShared(quota, image.sha256);
      if (reserved !== 'taken') {
        if (reserved) this.#duplicate(image, reserved);
        return;
      }
    } else if (this.#saved + this.#reserved >= this.options.maxImages) return;
    this.#reserved++;
    const writing = this.#write(image);
    this.#pending.set(image.sha256, writing);
    let written: Written = { record: undefined, isNew: false };
    try {
      written = await writing;
    } finally {
      this.#reserved--;
      this.#pending.delete(image.sha256);
      if (quota && written.record && written.isNew) await quota.commit(image.sha256, JSON.stringify(written.record));
      else if (quota) await quota.release(image.sha256);
    }
    if (this.#saved >= this.options.maxImages) this.#reachLimit();
  }

  // The content of another image already saved (here or, in a shared crawl, by another worker): an extra URL of it.
  #duplicate(image: DownloadedImage, earlier: SavedImageRecord): void {
    const context = this.#context as SaverContext;
    (this.#manifest as ImageManifest).addSaved(savedImageRecord(image, earlier.file, thumbnailFieldsOf(earlier)));
    context.count('duplicate');
    this.#done({ url: image.url, outcome: 'duplicate', sha256: image.sha256, file: earlier.file });
  }

  /**
   * Reserves a slot of the shared maxImages for one content: `taken`; the record of a worker that saved the same
   * content (a duplicate); or `undefined` when the limit is reached or the crawl stopped. Waits while other workers'
   * reservations hold the last slots or the same content, as their writes may fail and free them.
   */
  async #reserveShared(quota: SharedQuota, sha256: string): Promise<'taken' | SavedImageRecord | undefined> {
    const signal = (this.#context as SaverContext).signal;
    let waitMs = FIRST_QUOTA_WAIT_MS;
    for (;;) {
      if (signal.aborted) return undefined;
      const answer = await quota.reserve(sha256);
      if (answer.status === 'taken') return 'taken';
      if (answer.status === 'done') return JSON.parse(answer.value) as SavedImageRecord;
      if (answer.status === 'reached') return undefined;
      await delay(waitMs, undefined, { signal }).catch(() => undefined);
      waitMs = Math.min(waitMs * 2, MAX_QUOTA_WAIT_MS);
    }
  }

  #reachLimit(): void {
    if (this.#limit.signal.aborted) return;
    this.#queue?.clear();
    this.#limit.abort();
  }

  async #write(image: DownloadedImage): Promise<Written> {
    const context = this.#context as SaverContext;
    const source = { page: image.page, depth: image.depth };
    let file: string;
    try {
      file = this.fileName(image, image.type);
      (this.#store as FileStore).pathOf(file);
    } catch (error) {
      this.#reject(image.url, source, { code: 'bad-file-name', message: (error as Error).message });
      return { record: undefined, isNew: false };
    }
    // The thumbnail is made before the image is written: the image file is recorded right after it lands, so a kill
    // (persist) between the two leaves no saved image unrecorded, only a thumbnail a resume finds in place.
    const thumb = this.options.thumbnails ? await saveThumbnail(this.#store as FileStore, image, this.options.layout === 'flat') : undefined;
    if (thumb && 'thumb' in thumb) context.count('thumbs');
    else if (thumb) {
      context.count('thumbs.failed');
      context.logger.debug({ url: image.url, code: thumb.thumbError.code }, 'no thumbnail');
    }
    const record = savedImageRecord(image, file, thumb);
    // Persisted: the record is in the state before the file takes its name, so a resume adopts a file that landed
    // just before a kill instead of downloading it again.
    await context.state?.imageWrites.writing({ url: image.url, file, record: record as unknown as Record<string, unknown> });
    let written: boolean;
    try {
      written = await (this.#store as FileStore).write(file, image.body, { overwrite: false });
    } catch (error) {
      context.logger.warn({ err: error, url: image.url, file }, 'image could not be written');
      this.#reject(image.url, source, { code: 'write-failed', message: (error as Error).message });
      return { record: undefined, isNew: false };
    }
    if (written) this.#saved++;
    (this.#manifest as ImageManifest).addSaved(record);
    context.count(written ? 'saved' : 'existing');
    this.#done({ url: image.url, outcome: written ? 'saved' : 'existing', sha256: image.sha256, file });
    return { record, isNew: written };
  }

  // Files the stopped run put in place without committing their outcome (a kill right after the rename) are saved:
  // their manifest line (unless read back), thumbnail (made from the file if missing) and done-entry are written now.
  // A listed file that is not in place never landed: its image is downloaded again.
  async #adoptWritten(state: SaverState): Promise<void> {
    const context = this.#context as SaverContext;
    const store = this.#store as FileStore;
    const manifest = this.#manifest as ImageManifest;
    for (const entry of await state.imageWrites.entries()) {
      if (!(await store.has(entry.file))) continue;
      const record = await withThumbnailInPlace(store, entry.record as unknown as SavedImageRecord, this.options.layout === 'flat');
      if (!manifest.has(entry.url)) manifest.addSaved(record);
      context.count('saved');
      this.#done({ url: entry.url, outcome: 'saved', sha256: record.sha256, file: entry.file });
      context.logger.debug({ url: entry.url, file: entry.file }, 'image saved before the stop adopted');
    }
  }

  #reject(url: string, source: DownloadSource, rejection: Rejection): void {
    const context = this.#context as SaverContext;
    const { code, message, status } = rejection;
    (this.#manifest as ImageManifest).addRejected({ url, page: source.page, depth: source.depth, ...(status != null ? { status } : {}), error: { code, message } });
    context.count('rejected');
    context.count(`rejected.${code}`);
    this.#done({ url, outcome: code, sha256: null, file: null });
    context.logger.debug({ url, code }, 'image rejected');
  }

  // Recorded in a persisted run's done-set after the manifest line, so a resume never downloads it again.
  #done(entry: ImageDone): void {
    this.#context?.state?.images.add([entry]);
  }

  #describeRejection(code: string, image: DownloadedImage): string {
    const size = `${image.bytes} bytes, ${image.width ?? '?'}×${image.height ?? '?'} ${image.type}`;
    if (code === 'too-small') return `${size}; minimum ${this.options.minBytes} bytes, ${this.options.minWidth}×${this.options.minHeight}`;
    if (code === 'filtered-type') return `${image.type} is not one of ${this.options.types.join(', ')}`;
    return `${size}; rejected by accept()`;
  }
}
