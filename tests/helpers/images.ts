import { deflateSync } from 'node:zlib';

// Real, tiny images built by hand, so tests need no binary fixtures. `seed` changes the pixels (and so the SHA-256):
// two images with the same arguments are byte-identical, two with different seeds are not.

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const u16le = (value: number) => Buffer.from([value & 0xff, (value >> 8) & 0xff]);
const u32le = (value: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(value >>> 0); return b; };
const u32be = (value: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(value >>> 0); return b; };
const rgb = (seed: number) => [(seed * 97) & 0xff, (seed * 57 + 80) & 0xff, (seed * 31 + 160) & 0xff] as const;

function pngChunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), typed, u32be(crc32(typed))]);
}

/** A valid RGB PNG of `width` x `height`, every pixel one colour chosen by `seed`. */
export function png(width: number, height: number, seed = 1): Buffer {
  const [r, g, b] = rgb(seed);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3).map((_, i) => [r, g, b][i % 3] as number)]);
  const ihdr = Buffer.concat([u32be(width), u32be(height), Buffer.from([8, 2, 0, 0, 0])]);
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A valid GIF89a of `width` x `height` with a two-colour palette chosen by `seed`. */
export function gif(width: number, height: number, seed = 1): Buffer {
  const [r, g, b] = rgb(seed);
  return Buffer.concat([
    Buffer.from('GIF89a', 'latin1'), u16le(width), u16le(height), Buffer.from([0x80, 0, 0]),
    Buffer.from([r, g, b, 0, 0, 0]),
    Buffer.from([0x2c]), u16le(0), u16le(0), u16le(width), u16le(height), Buffer.from([0]),
    Buffer.from([0x02, 0x02, 0x44, 0x01, 0x00]), // LZW: one pixel of colour 0; the rest shows the background
    Buffer.from([0x3b]),
  ]);
}

/** A valid 24-bit BMP of `width` x `height`. */
export function bmp(width: number, height: number, seed = 1): Buffer {
  const [r, g, b] = rgb(seed);
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const pixels = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels.set([b, g, r], y * rowBytes + x * 3);
  const header = Buffer.concat([
    u32le(40), u32le(width), u32le(height), u16le(1), u16le(24), u32le(0), u32le(pixels.length), u32le(2835), u32le(2835), u32le(0), u32le(0),
  ]);
  return Buffer.concat([Buffer.from('BM', 'latin1'), u32le(14 + header.length + pixels.length), u32le(0), u32le(54), header, pixels]);
}

/** A JPEG header (SOI, JFIF APP0, a comment holding `seed`, SOF0 with the size, EOI): enough for sniffing and sizing. */
export function jpeg(width: number, height: number, seed = 1): Buffer {
  const comment = Buffer.from(`seed ${seed}`);
  const sof = Buffer.from([0xff, 0xc0, 0, 17, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), Buffer.from('JFIF\0', 'latin1'), Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0]),
    Buffer.from([0xff, 0xfe, 0, comment.length + 2]), comment, sof, Buffer.from([0xff, 0xd9]),
  ]);
}

/** A WebP header (RIFF, VP8X chunk with the canvas size). */
export function webp(width: number, height: number, seed = 1): Buffer {
  const u24 = (value: number) => Buffer.from([value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff]);
  const vp8x = Buffer.concat([Buffer.from([0, 0, 0, seed & 0xff]), u24(width - 1), u24(height - 1)]);
  const chunk = Buffer.concat([Buffer.from('VP8X', 'latin1'), u32le(vp8x.length), vp8x]);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), u32le(4 + chunk.length), Buffer.from('WEBP', 'latin1'), chunk]);
}

function box(type: string, ...children: Buffer[]): Buffer {
  const body = Buffer.concat(children);
  return Buffer.concat([u32be(8 + body.length), Buffer.from(type, 'latin1'), body]);
}

/** An AVIF header: `ftyp` (brand avif) and `meta > iprp > ipco > ispe` with the size. */
export function avif(width: number, height: number, seed = 1): Buffer {
  const fullBox = (type: string, ...children: Buffer[]) => box(type, Buffer.alloc(4), ...children);
  return Buffer.concat([
    box('ftyp', Buffer.from('avif', 'latin1'), u32be(seed), Buffer.from('mif1miaf', 'latin1')),
    fullBox('meta', box('iprp', box('ipco', fullBox('ispe', u32be(width), u32be(height))))),
  ]);
}

/** An ICO holding one PNG image of `size` x `size` (at most 256). */
export function ico(size: number, seed = 1): Buffer {
  const image = png(size, size, seed);
  const entry = Buffer.concat([Buffer.from([size & 0xff, size & 0xff, 0, 0]), u16le(1), u16le(32), u32le(image.length), u32le(22)]);
  return Buffer.concat([Buffer.from([0, 0, 1, 0]), u16le(1), entry, image]);
}

/** An SVG of `width` x `height` filled with one colour. */
export function svg(width: number, height: number, seed = 1): Buffer {
  const [r, g, b] = rgb(seed);
  return Buffer.from(`<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="rgb(${r},${g},${b})"/></svg>\n`);
}

/**
 * An SVG of `width` x `height` whose script, if it ever runs, sets the document's title to `SCRIPT_RAN` and
 * `globalThis.scriptRan` (it runs only when the file is opened as a document, never inside an `<img>`).
 */
export function scriptedSvg(width: number, height: number, seed = 1): Buffer {
  const [r, g, b] = rgb(seed);
  return Buffer.from(
    `<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><title>scripted</title>` +
      `<rect width="100%" height="100%" fill="rgb(${r},${g},${b})"/>` +
      `<script>globalThis.scriptRan = true; document.title = '${SCRIPT_RAN}'; try { top.document.title = '${SCRIPT_RAN}'; } catch {}</script></svg>\n`,
  );
}

/** The title {@link scriptedSvg}'s script writes. */
export const SCRIPT_RAN = 'svg script ran';

/** `body` as a base64 `data:` URI of `mediaType`. */
export function dataUri(mediaType: string, body: Buffer): string {
  return `data:${mediaType};base64,${body.toString('base64')}`;
}
