import { isAscii } from 'node:buffer';

// The streaming pass can read a UTF-8 body as a "binary string", one character per byte (Latin-1 decoding, a plain
// copy), instead of decoding it first: on a page with any non-ASCII text, decoding costs about a sixth of what the pass
// does, and the tokenizer only ever tests ASCII characters, so it tokenizes the bytes exactly as it tokenizes the text.
// What it keeps (attribute values, text) is then decoded piece by piece. Pieces start and end at ASCII characters,
// where a UTF-8 decoder always starts afresh, so they decode as they would within the whole body: bad bytes become
// U+FFFD in the same places. (tests/extractors/streamed-elements.test.ts checks this on bodies with broken UTF-8.)

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;
const NON_ASCII = /[^\x00-\x7f]/;
const BEYOND_BYTE = /[^\x00-\xff]+/g;

/**
 * A UTF-8 body as a string of one character per byte (its BOM dropped, as decoding drops it), and whether that is a
 * binary string whose pieces need decoding: an all-ASCII body's is its text.
 */
export function readUtf8Body(body: Uint8Array): { text: string; binary: boolean } {
  const start = body[0] === UTF8_BOM[0] && body[1] === UTF8_BOM[1] && body[2] === UTF8_BOM[2] ? 3 : 0;
  const bytes = Buffer.from(body.buffer, body.byteOffset + start, body.byteLength - start);
  return { text: bytes.toString('latin1'), binary: !isAscii(bytes) };
}

/**
 * Text the tokenizer adds of its own (a decoded character reference, U+FFFD for a NUL) as UTF-8 bytes, so that a
 * binary string stays all bytes. Its first byte is never a UTF-8 continuation byte, so it cannot join a broken
 * sequence before it, just as in the decoded text.
 */
export function binaryOfText(text: string): string {
  return NON_ASCII.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

/**
 * Decodes a piece of a binary string. A few of the tokenizer's replacements (U+FFFD for a NUL in a tag or attribute
 * name) are added as characters, not bytes; those are kept as they are.
 */
export function textOfBinary(binary: string): string {
  if (!NON_ASCII.test(binary)) return binary;
  let text = '';
  let start = 0;
  BEYOND_BYTE.lastIndex = 0;
  for (let match = BEYOND_BYTE.exec(binary); match !== null; match = BEYOND_BYTE.exec(binary)) {
    text += decodeBytes(binary.slice(start, match.index)) + match[0];
    start = match.index + match[0].length;
  }
  return text + decodeBytes(binary.slice(start));
}

// V8's UTF-8 decoder replaces bad bytes as TextDecoder does (the WHATWG way) and, unlike a TextDecoder, keeps a BOM
// inside the body as the character it is there (U+FEFF); it is also cheaper to call for short pieces.
/** Decodes attributes read from a binary string, in place: each name and value came from one stretch of input. */
export function decodeAttributes(attrs: { name: string; value: string }[]): void {
  for (const attr of attrs) {
    attr.name = textOfBinary(attr.name);
    attr.value = textOfBinary(attr.value);
  }
}

function decodeBytes(binary: string): string {
  return NON_ASCII.test(binary) ? Buffer.from(binary, 'latin1').toString('utf8') : binary;
}
