import { readFile } from 'node:fs/promises';
import type { FileStore } from '../storage/files.js';
import type { SavedImageRecord } from './image-manifest.js';
import type { ImageType } from './image-type.js';
import { hasSvgScript } from './svg-script.js';
import { saveThumbnail } from './thumbnail.js';
import type { ThumbnailFields } from './thumbnail.js';

/** A downloaded body that is an image, as `accept` and `fileName` see it. */
export interface DownloadedImage {
  /** The URL asked for (a `data:` URI is shown as its metadata and size). */
  url: string;
  /** Where the bytes came from after redirects. */
  finalUrl: string;
  /** The page it was found on, and that page's depth. */
  page: string;
  depth: number;
  body: Buffer;
  bytes: number;
  /** Format sniffed from the bytes. */
  type: ImageType;
  /** Pixels from the file header; `null` for an SVG that declares no size. */
  width: number | null;
  height: number | null;
  /** SHA-256 of the body, hex. */
  sha256: string;
  /** Alt text (or title, or link text) from the page; `''` when none. */
  alt: string;
  /** Everything the extractor said about it (`element`, `attribute`, `declaredWidth`, `alternates`, ...). */
  data: Readonly<Record<string, unknown>>;
}

/** The manifest record of an image saved as `file` (or a duplicate of it), with its thumbnail's fields. Pure. */
export function savedImageRecord(image: DownloadedImage, file: string, thumb: Partial<ThumbnailFields> = {}): SavedImageRecord {
  const { data } = image;
  const record: SavedImageRecord = {
    url: image.url, page: image.page, file, sha256: image.sha256, bytes: image.bytes, width: image.width, height: image.height,
    type: image.type, alt: image.alt, depth: image.depth, error: null,
  };
  if (image.finalUrl !== image.url && !image.url.startsWith('data:')) record.finalUrl = image.finalUrl;
  if (typeof data['declaredWidth'] === 'number') record.declaredWidth = data['declaredWidth'];
  if (typeof data['declaredHeight'] === 'number') record.declaredHeight = data['declaredHeight'];
  if (Array.isArray(data['alternates']) && data['alternates'].length > 0) record.alternates = data['alternates'].map(String);
  if (image.type === 'svg' && hasSvgScript(image.body)) record.hasScript = true;
  return { ...record, ...thumb };
}

/**
 * The record of an image file a stopped run put in place, its thumbnail made again from the file when the record
 * names one that is missing (a kill between the two writes).
 */
export async function withThumbnailInPlace(store: FileStore, record: SavedImageRecord, flat: boolean): Promise<SavedImageRecord> {
  if (record.thumb === undefined || (await store.has(record.thumb))) return record;
  const { thumb: _thumb, ...rest } = record;
  const body = await readFile(store.pathOf(record.file));
  return { ...rest, ...(await saveThumbnail(store, { body, type: record.type, width: record.width, height: record.height, sha256: record.sha256 }, flat)) };
}
