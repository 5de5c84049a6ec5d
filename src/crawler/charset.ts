import type { PageInit } from '../extractors/page.js';
import { TextDecoder } from 'node:util';
import { encodingForLabel } from './encoding-label.js';
import { prescanCharset } from './prescan-charset.js';

/**
 * Where the chosen charset came from, in order of precedence (WHATWG HTML 13.2.3.2): a byte order mark, the
 * Content-Type header, the prescan of the first 1024 bytes (`<meta charset>`, `<meta http-equiv="content-type">` or,
 * failing those, an XML declaration), or the default.
 */
export type CharsetSource = 'bom' | 'header' | 'meta' | 'default';

/** The outcome of charset sniffing: a WHATWG encoding name and how it was found. */
export interface SniffedCharset {
  charset: string;
  source: CharsetSource;
}

const HEADER_CHARSET = /;\s*charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)/i;
const decoders = new Map<string, TextDecoder>();

function bomCharset(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * Picks the charset of an HTML body with the WHATWG encoding sniffing algorithm: byte order mark, then the Content-Type
 * charset, then the prescan of the first 1024 bytes (see {@link CharsetSource}), then UTF-8. Unknown labels are passed
 * over. Pure.
 */
export function sniffCharset(bytes: Uint8Array, contentType: string | undefined): SniffedCharset {
  // Step 1: BOM sniffing. Step 2 (a user's override) has no counterpart, and step 3 (waiting for bytes) is moot: the
  // crawler has the whole body.
  const bom = bomCharset(bytes);
  if (bom) return { charset: bom, source: 'bom' };
  // Step 4: the transport layer's charset, if it names an encoding.
  const fromHeader = contentType ? HEADER_CHARSET.exec(contentType)?.[1] : undefined;
  const headerCharset = fromHeader === undefined ? null : encodingForLabel(fromHeader);
  if (headerCharset !== null) return { charset: headerCharset, source: 'header' };
  // Step 5: the prescan, with the 1024-byte end condition the spec encourages.
  const declared = prescanCharset(bytes);
  if (declared !== null) return { charset: declared, source: 'meta' };
  // Steps 6-8 (the parent frame's encoding, one remembered from an earlier visit, statistical guessing) do not apply to
  // a crawler, and the spec discourages guessing for network resources. Step 9: the implementation-defined default,
  // UTF-8 (the spec's suggestion where the default can be prescribed) rather than a browser's locale-dependent one.
  return { charset: 'utf-8', source: 'default' };
}

/** Decodes an HTML body to text with the sniffed charset (the BOM is dropped). Never throws: bad bytes become U+FFFD. */
export function decodeHtml(bytes: Uint8Array, contentType: string | undefined): { text: string; charset: string } {
  const { charset } = sniffCharset(bytes, contentType);
  return { text: decode(bytes, charset), charset };
}

/** Decodes with a WHATWG encoding name from {@link encodingForLabel}. */
function decode(bytes: Uint8Array, encoding: string): string {
  // WHATWG Encoding 14.1: the replacement decoder gives one U+FFFD for any non-empty input.
  if (encoding === 'replacement') return bytes.byteLength === 0 ? '' : '\uFFFD';
  // WHATWG Encoding 15.6 (Node's TextDecoder lacks it): ASCII bytes as they are, the others into U+F780-U+F7FF.
  if (encoding === 'x-user-defined') {
    let text = '';
    for (const byte of bytes) text += String.fromCharCode(byte < 0x80 ? byte : 0xf700 + byte);
    return text;
  }
  let decoder = decoders.get(encoding);
  if (decoder === undefined) decoders.set(encoding, (decoder = new TextDecoder(encoding)));
  return decoder.decode(bytes);
}

/**
 * An HTML page's text, decoded on first use, and whether it is the body's UTF-8 (so the streaming pass may read the
 * bytes instead and nothing is decoded): the `text` and `bodyIsUtf8` of a {@link PageInit}.
 */
export function lazyHtmlText(body: Uint8Array, contentType: string | undefined): Pick<PageInit, 'text' | 'bodyIsUtf8'> {
  return { text: () => decodeHtml(body, contentType).text, bodyIsUtf8: () => sniffCharset(body, contentType).charset === 'utf-8' };
}
