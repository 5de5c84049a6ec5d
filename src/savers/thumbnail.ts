import type { FileStore } from '../storage/files.js';
import type { ImageType } from './image-type.js';

/** Pixels on the long side of a thumbnail; smaller images are not enlarged. */
export const THUMBNAIL_SIZE = 256;

/** Why an image has no thumbnail: `unsupported-type`, `thumbnailer-unavailable`, `decode-failed`, `write-failed`. */
export interface ThumbnailError {
  code: string;
  message: string;
}

/** A thumbnail made, or why none was. */
export type ThumbnailResult = { body: Buffer; width: number; height: number } | ThumbnailError;

/** What a saved image's record gets: the thumbnail's file (relative to the output directory) or why it has none. */
export type ThumbnailFields = { thumb: string } | { thumbError: ThumbnailError };

// libvips (as sharp ships it) decodes neither ICO nor BMP: those keep their original as the thumbnail.
const RASTERIZED: ReadonlySet<ImageType> = new Set(['jpeg', 'png', 'gif', 'webp', 'avif', 'svg']);
// An SVG is rasterized at the density that makes its long side THUMBNAIL_SIZE, not at its declared size and then
// shrunk: a hostile width="1000000" costs no more than a small one. 72 DPI is librsvg's 1 px per user unit.
const SVG_DPI = 72;
// Bounds sharp accepts for `density`.
const MIN_DENSITY = 1;
const MAX_DENSITY = 100_000;
// libvips refuses inputs over this many pixels (a decompression bomb): about a 16k x 16k photo.
const MAX_INPUT_PIXELS = 268_402_689;

type Sharp = typeof import('sharp').default;
let loading: Promise<Sharp | Error> | undefined;

// sharp (libvips) is loaded on the first thumbnail only: a crawl that saves no image never pays for it.
function loadSharp(): Promise<Sharp | Error> {
  loading ??= import('sharp').then(
    (module) => module.default,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  return loading;
}

/**
 * Makes a WebP thumbnail of an image, at most {@link THUMBNAIL_SIZE} px on its long side (never enlarged), turned
 * upright by its EXIF orientation, metadata stripped. Animated GIF and WebP give their first frame. An SVG is
 * rasterized by librsvg, which runs no script and, reading from memory, loads no external file or URL. ICO and BMP
 * are not decoded (`unsupported-type`). Never throws: a failure is returned as `{ code, message }`.
 */
export async function makeThumbnail(body: Buffer, type: ImageType, width: number | null, height: number | null): Promise<ThumbnailResult> {
  if (!RASTERIZED.has(type)) return { code: 'unsupported-type', message: `No thumbnail for ${type} images` };
  const sharp = await loadSharp();
  if (sharp instanceof Error) return { code: 'thumbnailer-unavailable', message: `sharp could not be loaded: ${sharp.message}` };
  const longSide = Math.max(width ?? 0, height ?? 0);
  const density = type === 'svg' && longSide > 0 ? Math.min(MAX_DENSITY, Math.max(MIN_DENSITY, (SVG_DPI * THUMBNAIL_SIZE) / longSide)) : undefined;
  try {
    const { data, info } = await sharp(body, { pages: 1, limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', ...(density !== undefined ? { density } : {}) })
      .rotate()
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80, effort: 2 })
      .toBuffer({ resolveWithObject: true });
    return { body: data, width: info.width, height: info.height };
  } catch (error) {
    return { code: 'decode-failed', message: (error as Error).message };
  }
}

/** The image a thumbnail is made of, as the saver knows it. */
export interface ThumbnailSource {
  body: Buffer;
  type: ImageType;
  width: number | null;
  height: number | null;
  sha256: string;
}

/**
 * Where the thumbnail of some content goes, relative to the output directory: `thumbs/<ab>/<sha256>.webp`, or
 * `thumbs/<sha256>.webp` with the flat layout. Pure.
 */
export function thumbnailName(sha256: string, flat: boolean): string {
  return flat ? `thumbs/${sha256}.webp` : `thumbs/${sha256.slice(0, 2)}/${sha256}.webp`;
}

/**
 * Makes and writes (atomically) the thumbnail of one saved image unless its file is already there, and returns the
 * fields its record gets. Never throws: a failure is returned as `thumbError`, and the image stays saved.
 */
export async function saveThumbnail(store: FileStore, image: ThumbnailSource, flat: boolean): Promise<ThumbnailFields> {
  const name = thumbnailName(image.sha256, flat);
  try {
    if (await store.has(name)) return { thumb: name };
  } catch {
    // An unreadable directory shows up again, with its message, when the write is tried.
  }
  const made = await makeThumbnail(image.body, image.type, image.width, image.height);
  if ('code' in made) return { thumbError: made };
  try {
    await store.write(name, made.body, { overwrite: false });
    return { thumb: name };
  } catch (error) {
    return { thumbError: { code: 'write-failed', message: (error as Error).message } };
  }
}

/** The thumbnail fields of a record, to copy to another URL of the same content. Pure. */
export function thumbnailFieldsOf(record: { thumb?: string; thumbError?: ThumbnailError }): Partial<ThumbnailFields> {
  if (record.thumb !== undefined) return { thumb: record.thumb };
  if (record.thumbError !== undefined) return { thumbError: record.thumbError };
  return {};
}
