import { imageSize } from 'image-size';

/** Image formats recognised from their bytes. */
export type ImageType = 'jpeg' | 'png' | 'gif' | 'webp' | 'avif' | 'svg' | 'ico' | 'bmp';

/** Every {@link ImageType}, with the file extension saved files get. */
export const IMAGE_EXTENSIONS: Readonly<Record<ImageType, string>> = Object.freeze({
  jpeg: 'jpg',
  png: 'png',
  gif: 'gif',
  webp: 'webp',
  avif: 'avif',
  svg: 'svg',
  ico: 'ico',
  bmp: 'bmp',
});

/** Every {@link ImageType}. */
export const IMAGE_TYPES = Object.freeze(Object.keys(IMAGE_EXTENSIONS) as ImageType[]);

const ascii = (bytes: Uint8Array, start: number, end: number) => Buffer.from(bytes.subarray(start, end)).toString('latin1');
// BITMAPCOREHEADER, BITMAPINFOHEADER and its V2-V5 successors: the DIB header sizes a real BMP can have.
const BMP_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);
// A text file whose root element is <svg>: an optional BOM, XML declaration, comments, processing instructions and
// doctype may come first. An HTML page with an inline <svg> is not an SVG image.
const SVG_ROOT = /^\uFEFF?\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE\s+svg[^>[]*(?:\[[\s\S]*?\])?\s*>)\s*)*<(?:[A-Za-z_][\w.-]*:)?svg[\s/>]/;

/**
 * The image format of a body, from its magic bytes alone (never the URL or the Content-Type): JPEG `FF D8 FF`, PNG
 * signature, `GIF87a`/`GIF89a`, `RIFF....WEBP`, an ISO-BMFF `ftyp` box with an AVIF brand, ICO `00 00 01 00`, `BM`
 * with a valid DIB header size, or text whose root element is `<svg>`. `null` for anything else (an HTML error page
 * served as image/jpeg, an empty body). Pure.
 */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && ascii(bytes, 0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(ascii(bytes, 0, 6))) return 'gif';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  if (isAvif(bytes)) return 'avif';
  if (bytes.length >= 6 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 1 && bytes[3] === 0 && (bytes[4] !== 0 || bytes[5] !== 0)) return 'ico';
  if (bytes.length >= 18 && ascii(bytes, 0, 2) === 'BM' && BMP_HEADER_SIZES.has(Buffer.from(bytes.subarray(14, 18)).readUInt32LE(0))) return 'bmp';
  if (SVG_ROOT.test(Buffer.from(bytes.subarray(0, 4096)).toString('utf8'))) return 'svg';
  return null;
}

// ISO/IEC 14496-12 4.3: the ftyp box holds a major brand, a minor version, then compatible brands (AVIF: `avif`, `avis`).
function isAvif(bytes: Uint8Array): boolean {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return false;
  const size = Math.min(Buffer.from(bytes.subarray(0, 4)).readUInt32BE(0), bytes.length);
  const brands = [ascii(bytes, 8, 12)];
  for (let offset = 16; offset + 4 <= size; offset += 4) brands.push(ascii(bytes, offset, offset + 4));
  return brands.some((brand) => brand === 'avif' || brand === 'avis');
}

/** Width and height in pixels, or `null` each when the header does not say. */
export interface ImageDimensions {
  width: number | null;
  height: number | null;
}

/**
 * Reads the dimensions from the file header (image-size): the largest image of an ICO, the root `width`/`height` or
 * `viewBox` of an SVG. Returns `undefined` when the header cannot be read (a corrupt file); an SVG without any size
 * gives `{ width: null, height: null }`. Pure.
 */
export function readDimensions(bytes: Uint8Array, type: ImageType): ImageDimensions | undefined {
  try {
    const size = imageSize(bytes);
    const valid = (value: number | undefined) => (value !== undefined && Number.isFinite(value) && value > 0 ? value : null);
    const dimensions = { width: valid(size.width), height: valid(size.height) };
    if (type !== 'svg' && (dimensions.width === null || dimensions.height === null)) return undefined;
    return dimensions;
  } catch {
    return type === 'svg' ? { width: null, height: null } : undefined;
  }
}
