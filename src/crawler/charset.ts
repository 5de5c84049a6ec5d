import type { PageInit } from '../extractors/page.js';
import { TextDecoder } from 'node:util';

/** Where the chosen charset came from, in order of precedence (WHATWG HTML 13.2.3.2). */
export type CharsetSource = 'bom' | 'header' | 'meta' | 'default';

/** The outcome of charset sniffing: a WHATWG encoding name and how it was found. */
export interface SniffedCharset {
  charset: string;
  source: CharsetSource;
}

// WHATWG HTML 13.2.3.2: the meta prescan reads the first 1024 bytes.
const PRESCAN_BYTES = 1024;
const META_CHARSET = /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)/gi;
const HEADER_CHARSET = /;\s*charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)/i;
const decoders = new Map<string, TextDecoder | null>();

/** A cached decoder for a WHATWG label, or `null` when the label is unknown. */
function decoderFor(label: string): TextDecoder | null {
  const key = label.toLowerCase();
  let decoder = decoders.get(key);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(key);
    } catch {
      decoder = null;
    }
    decoders.set(key, decoder);
  }
  return decoder;
}

function bomCharset(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * Picks the charset of an HTML body: byte order mark, then the Content-Type charset, then `<meta charset>` or
 * `<meta http-equiv=content-type>` in the first 1024 bytes, then UTF-8. Unknown labels are passed over. Pure.
 */
export function sniffCharset(bytes: Uint8Array, contentType: string | undefined): SniffedCharset {
  const bom = bomCharset(bytes);
  if (bom) return { charset: bom, source: 'bom' };
  const fromHeader = contentType ? HEADER_CHARSET.exec(contentType)?.[1] : undefined;
  const headerDecoder = fromHeader ? decoderFor(fromHeader) : null;
  if (headerDecoder) return { charset: headerDecoder.encoding, source: 'header' };
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, PRESCAN_BYTES)).toString('latin1');
  // WHATWG prescan: a meta with an unknown label is passed over and the scan goes on to the next one.
  const metaDecoder = [...head.matchAll(META_CHARSET)].map((match) => decoderFor(match[1] as string)).find((decoder) => decoder !== null);
  if (metaDecoder) {
    // WHATWG: a meta tag cannot switch to UTF-16 (the prescan itself read ASCII), so it means UTF-8.
    const charset = metaDecoder.encoding.startsWith('utf-16') ? 'utf-8' : metaDecoder.encoding;
    return { charset, source: 'meta' };
  }
  return { charset: 'utf-8', source: 'default' };
}

/** Decodes an HTML body to text with the sniffed charset (the BOM is dropped). Never throws: bad bytes become U+FFFD. */
export function decodeHtml(bytes: Uint8Array, contentType: string | undefined): { text: string; charset: string } {
  const { charset } = sniffCharset(bytes, contentType);
  const decoder = decoderFor(charset) ?? (decoderFor('utf-8') as TextDecoder);
  return { text: decoder.decode(bytes), charset: decoder.encoding };
}

/**
 * An HTML page's text, decoded on first use, and whether it is the body's UTF-8 (so the streaming pass may read the
 * bytes instead and nothing is decoded): the `text` and `bodyIsUtf8` of a {@link PageInit}.
 */
export function lazyHtmlText(body: Uint8Array, contentType: string | undefined): Pick<PageInit, 'text' | 'bodyIsUtf8'> {
  return { text: () => decodeHtml(body, contentType).text, bodyIsUtf8: () => sniffCharset(body, contentType).charset === 'utf-8' };
}
