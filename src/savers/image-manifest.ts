import { FileSink } from '../storage/file-sink.js';
import type { FileStore } from '../storage/files.js';
import type { ImageType } from './image-type.js';
import type { ThumbnailError } from './thumbnail.js';

/** One saved image (one file, one content) in `images.jsonl`. */
export interface SavedImageRecord {
  /** The first URL this content was downloaded from (a `data:` URI is shown as its metadata and size). */
  url: string;
  /** The page that URL was first found on. */
  page: string;
  /** The file, relative to the output directory (`images/ab/ab12….png`). */
  file: string;
  /** SHA-256 of the content, hex. */
  sha256: string;
  bytes: number;
  /** Pixels, from the file header; `null` for an SVG that declares no size. */
  width: number | null;
  height: number | null;
  /** Format sniffed from the bytes. */
  type: ImageType;
  /** Alt text on the page (or title, or link text); `''` when none. */
  alt: string;
  /** Depth of the page it was first found on. */
  depth: number;
  /** Where the bytes came from, when redirects led elsewhere. */
  finalUrl?: string;
  /** The element's `width`/`height` attributes, when given. */
  declaredWidth?: number;
  declaredHeight?: number;
  /** Other candidates of the srcset or picture, not downloaded. */
  alternates?: string[];
  /**
   * `true` for an SVG that would run script if opened as a document (see `hasSvgScript`); absent otherwise. The
   * gallery shows every SVG through an `<img>`, where no script runs, whatever this says.
   */
  hasScript?: boolean;
  /** The WebP thumbnail, relative to the output directory (`thumbs/ab/ab12….webp`), when one was made. */
  thumb?: string;
  /** Why no thumbnail was made (`unsupported-type`, `decode-failed`, ...), when thumbnails are on. */
  thumbError?: ThumbnailError;
  /** Every URL with this content, when there is more than one (the first is `url`). */
  urls?: string[];
  /** Every page that pointed to this content, when there is more than one (the first is `page`). */
  pages?: string[];
  error: null;
}

/** One image that was not saved, with why: `not-an-image`, `too-small`, `too-large`, `filtered-type`, `http-404`, `timeout`, ... */
export interface RejectedImageRecord {
  url: string;
  page: string;
  depth: number;
  /** HTTP status of the answer, when one came. */
  status?: number | null;
  /** Every page that pointed to this URL, when there is more than one. */
  pages?: string[];
  error: { code: string; message: string };
}

/** A line of `images.jsonl`. */
export type ImageRecord = SavedImageRecord | RejectedImageRecord;

interface Content {
  record: SavedImageRecord;
  urls: string[];
}

const isSaved = (value: Record<string, unknown>): boolean =>
  value['error'] == null && typeof value['sha256'] === 'string' && typeof value['file'] === 'string' && typeof value['url'] === 'string';

/**
 * The image manifest, `images.jsonl` in the output directory: a journal while the run lasts, consolidated when it ends.
 *
 * While running, every outcome is appended as one line the moment it is known (a saved file, a rejection, or another
 * URL with content already saved, as a line with the same `sha256` and `file`), so a killed run keeps a manifest of
 * every file it left. At close the file is rewritten atomically with one line per content, `urls` and `pages` merged.
 * With `skipSaved`, the previous manifest (either form) is read back on open: images whose file still exists are
 * carried over, so a re-run skips their URLs; earlier rejections are dropped and tried again. Without it the previous
 * manifest is replaced, so the manifest never mixes runs.
 */
export class ImageManifest {
  /** The manifest's path relative to the store's root. */
  readonly name: string;
  readonly #store: FileStore;
  readonly #contents = new Map<string, Content>();
  readonly #hashOfUrl = new Map<string, string>();
  readonly #pagesOfUrl = new Map<string, Set<string>>();
  readonly #rejected = new Map<string, RejectedImageRecord>();
  #journal: FileSink | undefined;

  readonly #onRecord: ((record: ImageRecord) => void) | undefined;

  /** @param onRecord told of each record journaled, and of each consolidated one at {@link close} (a shared crawl's export merges them) */
  constructor(store: FileStore, name = 'images.jsonl', onRecord?: (record: ImageRecord) => void) {
    this.#store = store;
    this.name = name;
    this.#onRecord = onRecord;
  }

  /**
   * Reads back the previous manifest (when `skipSaved`), keeps the images whose files exist, and starts the journal.
   * With `resume` (the same run, continued) its rejections are kept too. Returns how many contents were kept.
   */
  async open(skipSaved: boolean, resume = false): Promise<number> {
    if (skipSaved || resume) {
      const text = (await this.#store.readText(this.name)) ?? '';
      for (const line of text.split('\n')) {
        const value = parseLine(line);
        if (value && isSaved(value) && (await this.#store.has(value['file'] as string))) this.#merge(value as unknown as SavedImageRecord);
        else if (value && resume && isRejected(value)) this.#restoreRejected(value as unknown as RejectedImageRecord);
      }
    }
    await this.#store.write(this.name, this.#text());
    this.#journal = new FileSink(this.#store.pathOf(this.name), { append: true });
    return this.#contents.size;
  }

  /** The saved image a URL already has (from this run or an earlier one). */
  savedFor(url: string): SavedImageRecord | undefined {
    const hash = this.#hashOfUrl.get(url);
    return hash === undefined ? undefined : this.#contents.get(hash)?.record;
  }

  /** Whether the manifest has an outcome (saved or rejected) for `url`. */
  has(url: string): boolean {
    return this.#hashOfUrl.has(url) || this.#rejected.has(url);
  }

  /** The saved image with this content, if any. */
  contentFor(sha256: string): SavedImageRecord | undefined {
    return this.#contents.get(sha256)?.record;
  }

  /** Notes that `page` pointed to `url` (every sighting, so `pages` lists them all at the end). */
  notePage(url: string, page: string): void {
    const pages = this.#pagesOfUrl.get(url);
    if (pages) pages.add(page);
    else this.#pagesOfUrl.set(url, new Set([page]));
  }

  /** The pages seen pointing to `url`, in order. */
  pagesOf(url: string): string[] {
    return [...(this.#pagesOfUrl.get(url) ?? [])];
  }

  /** Adds a newly saved image, or another URL of content already saved (same `sha256`), and journals it. */
  addSaved(record: SavedImageRecord): void {
    this.#merge(record);
    this.#journal?.append(`${JSON.stringify(record)}\n`);
    this.#onRecord?.(record);
  }

  /** Adds a rejected image and journals it. */
  addRejected(record: RejectedImageRecord): void {
    this.notePage(record.url, record.page);
    this.#rejected.set(record.url, record);
    this.#journal?.append(`${JSON.stringify(record)}\n`);
    this.#onRecord?.(record);
  }

  /** The consolidated records: one per content (in the order first saved), then the rejections. */
  records(): ImageRecord[] {
    const saved = [...this.#contents.values()].map(({ record, urls }) => {
      const pages = [...new Set([record.page, ...urls.flatMap((url) => [...(this.#pagesOfUrl.get(url) ?? [])])])];
      const { urls: _urls, pages: _pages, error, ...rest } = record;
      return { ...rest, ...(urls.length > 1 ? { urls } : {}), ...(pages.length > 1 ? { pages } : {}), error };
    });
    const rejected = [...this.#rejected.values()].map((record) => {
      const pages = [...new Set([record.page, ...(this.#pagesOfUrl.get(record.url) ?? [])])];
      const { pages: _pages, error, ...rest } = record;
      return { ...rest, ...(pages.length > 1 ? { pages } : {}), error };
    });
    return [...saved, ...rejected];
  }

  /** Closes the journal and rewrites the manifest atomically in consolidated form. */
  async close(): Promise<void> {
    this.#journal?.close();
    this.#journal = undefined;
    await this.#store.write(this.name, this.#text());
    if (this.#onRecord) for (const record of this.records()) this.#onRecord(record);
  }

  #text(): string {
    return this.records().map((record) => `${JSON.stringify(record)}\n`).join('');
  }

  #restoreRejected(record: RejectedImageRecord): void {
    for (const page of record.pages ?? [record.page]) this.notePage(record.url, page);
    const { pages: _pages, ...rest } = record;
    this.#rejected.set(record.url, rest);
  }

  #merge(record: SavedImageRecord): void {
    const urls = record.urls ?? [record.url];
    for (const page of record.pages ?? [record.page]) for (const url of urls) this.notePage(url, page);
    const content = this.#contents.get(record.sha256);
    if (!content) {
      this.#contents.set(record.sha256, { record: { ...record }, urls: [...urls] });
    } else {
      for (const url of urls) if (!content.urls.includes(url)) content.urls.push(url);
    }
    for (const url of urls) this.#hashOfUrl.set(url, record.sha256);
  }
}

const isRejected = (value: Record<string, unknown>): boolean =>
  typeof value['url'] === 'string' && typeof value['page'] === 'string' && typeof value['error'] === 'object' && value['error'] !== null;

// A killed run may leave a half-written last line: skip what does not parse.
function parseLine(line: string): Record<string, unknown> | undefined {
  if (line.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
