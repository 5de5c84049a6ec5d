import { encodingForLabel } from './encoding-label.js';

// WHATWG HTML 13.2.3.2 "Determining the character encoding": the prescan, with its "get an attribute" and "get an XML
// encoding" steps, and "the algorithm for extracting a character encoding from a meta element" it calls (HTML 2.5).
// https://html.spec.whatwg.org/multipage/parsing.html#prescan-a-byte-stream-to-determine-its-encoding
// Step numbers in the comments are the spec's.

/**
 * The prescan's end condition: the spec encourages reading only the first 1024 bytes, where the authoring rules put
 * every encoding declaration (HTML 4.2.5.4, "charset1024").
 */
export const PRESCAN_BYTES = 1024;

const TAB = 0x09;
const LF = 0x0a;
const FF = 0x0c;
const CR = 0x0d;
const SPACE = 0x20;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const EXCLAMATION = 0x21;
const HYPHEN = 0x2d;
const SLASH = 0x2f;
const LESS_THAN = 0x3c;
const EQUALS = 0x3d;
const GREATER_THAN = 0x3e;
const QUESTION = 0x3f;
const COMMENT_END = Uint8Array.of(HYPHEN, HYPHEN, GREATER_THAN);
const ENCODING = Uint8Array.from(Buffer.from('encoding', 'latin1'));
const UPPER_ASCII = /[A-Z]+/g;

/** The prescan ran out of bytes (or reached its end condition) and aborts. */
const OUT_OF_BYTES = Symbol('out of bytes');
/** "Getting an encoding" failed: distinct from the null value `charset` starts with. */
const FAILURE = Symbol('failure');

interface Attribute {
  name: string;
  value: string;
}

/** The attribute of a tag other than `<meta>`: only where it ends matters, so its name and value are not read. */
const SKIPPED: Attribute = { name: '', value: '' };

/**
 * WHATWG HTML "prescan a byte stream to determine its encoding" over the first {@link PRESCAN_BYTES} bytes of a body:
 * the encoding a `<meta charset>` or a `<meta http-equiv="content-type" content="...; charset=...">` declares, outside
 * comments, or else that of an XML declaration (`<?xml ... encoding="..."?>`) at the very start. Returns a WHATWG
 * encoding name (as `TextDecoder#encoding` spells it) or `null` when the bytes declare none. Pure; never throws.
 */
export function prescanCharset(bytes: Uint8Array): string | null {
  // A plain Uint8Array view: cheaper to make than Buffer#subarray, and the loops below see one kind of array.
  const input = new Uint8Array(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, PRESCAN_BYTES));
  // The loop below can only return from a `<meta`: without one, only the UTF-16 prefixes and an XML declaration count.
  const declared = hasMeta(input) ? new Prescan(input).run() : utf16XmlPrefix(input);
  // Running out of bytes aborts the prescan, which then returns the result of "get an XML encoding".
  return declared === OUT_OF_BYTES ? xmlEncoding(input) : declared;
}

/** Step 2, "prescan for UTF-16 XML declarations": '<?x' in UTF-16 at the very start. */
function utf16XmlPrefix(input: Uint8Array): string | typeof OUT_OF_BYTES {
  if (input[0] === LESS_THAN && input[1] === 0 && input[2] === QUESTION && input[3] === 0 && input[4] === 0x78 && input[5] === 0) return 'utf-16le';
  if (input[0] === 0 && input[1] === LESS_THAN && input[2] === 0 && input[3] === QUESTION && input[4] === 0 && input[5] === 0x78) return 'utf-16be';
  return OUT_OF_BYTES;
}

class Prescan {
  readonly #input: Uint8Array;
  /** The spec's `position`. */
  #position = 0;

  constructor(input: Uint8Array) {
    this.#input = input;
  }

  run(): string | typeof OUT_OF_BYTES {
    const prefixed = utf16XmlPrefix(this.#input);
    if (prefixed !== OUT_OF_BYTES) return prefixed;
    const input = this.#input;
    for (;;) {
      // Step 3, "Loop". "Any other byte: do nothing with that byte": every case starts at a '<'.
      const position = indexOfByte(input, LESS_THAN, this.#position);
      if (position === -1) return OUT_OF_BYTES;
      this.#position = position;
      const next = input[position + 1];
      if (next === EXCLAMATION && input[position + 2] === HYPHEN && input[position + 3] === HYPHEN) {
        // '<!--': to the first '>' after the '<' that ends '-->'; the two hyphens may be those of '<!--' itself.
        const end = indexOfSequence(input, COMMENT_END, position + 2);
        if (end === -1) return OUT_OF_BYTES;
        this.#position = end + 2;
      } else if (isMetaStart(input, position)) {
        const charset = this.#meta();
        if (charset !== null) return charset;
      } else if (isAsciiLetter(next) || (next === SLASH && isAsciiLetter(input[position + 2]))) {
        // A tag: to the next whitespace or '>' byte, then past every attribute.
        let end = position + 1;
        while (end < input.length && !isSpace(input[end] as number) && input[end] !== GREATER_THAN) end++;
        if (end === input.length) return OUT_OF_BYTES;
        this.#position = end;
        for (let attribute = this.#getAttribute(false); attribute !== null; attribute = this.#getAttribute(false)) {
          if (attribute === OUT_OF_BYTES) return OUT_OF_BYTES;
        }
      } else if (next === EXCLAMATION || next === SLASH || next === QUESTION) {
        // '<!', '</', '<?': to the first '>' after the '<'.
        const end = indexOfByte(input, GREATER_THAN, position + 1);
        if (end === -1) return OUT_OF_BYTES;
        this.#position = end;
      }
      // Step 4, "Next byte".
      this.#position++;
    }
  }

  /**
   * Step 3's `<meta` case, from the whitespace or '/' after the name: the encoding the element declares, `null` when it
   * declares none (the scan goes on after it), or OUT_OF_BYTES.
   */
  #meta(): string | null | typeof OUT_OF_BYTES {
    this.#position += 5;
    const attributeList: string[] = [];
    let gotPragma = false;
    let needPragma: boolean | null = null;
    let charset: string | typeof FAILURE | null = null;
    // Substeps 6-10, "Attributes".
    for (let attribute = this.#getAttribute(true); attribute !== null; attribute = this.#getAttribute(true)) {
      if (attribute === OUT_OF_BYTES) return OUT_OF_BYTES;
      if (attributeList.includes(attribute.name)) continue;
      attributeList.push(attribute.name);
      if (attribute.name === 'http-equiv') {
        if (attribute.value === 'content-type') gotPragma = true;
      } else if (attribute.name === 'content') {
        const encoding = encodingFromMetaContent(attribute.value);
        if (encoding !== null && charset === null) {
          charset = encoding;
          needPragma = true;
        }
      } else if (attribute.name === 'charset') {
        charset = encodingForLabel(attribute.value) ?? FAILURE;
        needPragma = false;
      }
    }
    // Substeps 11-16, "Processing": a `content` charset counts only beside http-equiv="content-type", so a
    // description that mentions "charset=" declares nothing.
    if (needPragma === null || (needPragma && !gotPragma) || charset === null || charset === FAILURE) return null;
    // The prescan read the bytes as ASCII, so they cannot be UTF-16.
    if (charset === 'utf-16le' || charset === 'utf-16be') return 'utf-8';
    if (charset === 'x-user-defined') return 'windows-1252';
    return charset;
  }

  /**
   * "Get an attribute": the next attribute of the tag, `null` at its '>' (left at `position`), or OUT_OF_BYTES. Names
   * and values are lower-cased ASCII; with `keep` false they are not read at all (SKIPPED).
   */
  #getAttribute(keep: boolean): Attribute | null | typeof OUT_OF_BYTES {
    const input = this.#input;
    const length = input.length;
    let position = this.#position;
    // 1-2: skip whitespace and '/'; a '>' ends the tag.
    while (position < length && (isSpace(input[position] as number) || input[position] === SLASH)) position++;
    if (position === length) return OUT_OF_BYTES;
    if (input[position] === GREATER_THAN) {
      this.#position = position;
      return null;
    }
    // 3-5: the name, up to '=' (which can be its own first byte), whitespace, '/' or '>'.
    const nameStart = position;
    let hasValue = false;
    for (; position < length; position++) {
      const byte = input[position] as number;
      if (byte === EQUALS && position > nameStart) {
        hasValue = true;
        break;
      }
      if (isSpace(byte) || byte === SLASH || byte === GREATER_THAN) break;
    }
    if (position === length) return OUT_OF_BYTES;
    const nameEnd = position;
    if (!hasValue && isSpace(input[position] as number)) {
      // 6-7, "Spaces": whitespace, then '=' or the attribute has no value.
      while (position < length && isSpace(input[position] as number)) position++;
      if (position === length) return OUT_OF_BYTES;
      hasValue = input[position] === EQUALS;
    }
    if (!hasValue) {
      this.#position = position;
      return keep ? { name: isomorphicLowerCase(input, nameStart, nameEnd), value: '' } : SKIPPED;
    }
    // 8-9, "Value": past the '=' and any whitespace.
    position++;
    while (position < length && isSpace(input[position] as number)) position++;
    if (position === length) return OUT_OF_BYTES;
    const first = input[position];
    let valueStart = position;
    let valueEnd: number;
    if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) {
      // 10: a quoted value ends at the same quote, which is consumed.
      valueStart = position + 1;
      valueEnd = indexOfByte(input, first, valueStart);
      if (valueEnd === -1) return OUT_OF_BYTES;
      this.#position = valueEnd + 1;
    } else if (first === GREATER_THAN) {
      valueEnd = position;
      this.#position = position;
    } else {
      // 10-12: an unquoted value ends before whitespace or '>'.
      for (position++; position < length && !isSpace(input[position] as number) && input[position] !== GREATER_THAN; position++);
      if (position === length) return OUT_OF_BYTES;
      valueEnd = position;
      this.#position = position;
    }
    return keep ? { name: isomorphicLowerCase(input, nameStart, nameEnd), value: isomorphicLowerCase(input, valueStart, valueEnd) } : SKIPPED;
  }
}

/**
 * HTML "algorithm for extracting a character encoding from a meta element" (a `content` value such as
 * `text/html; charset=windows-1251`): the encoding, or `null` for none or an unknown label.
 */
export function encodingFromMetaContent(content: string): string | null {
  const text = content.replace(UPPER_ASCII, (letters) => letters.toLowerCase());
  let position = 0;
  for (;;) {
    // "Loop": the next "charset", then optional whitespace and '='; without the '=', search again from there.
    const found = text.indexOf('charset', position);
    if (found === -1) return null;
    position = skipSpaces(text, found + 7);
    if (text[position] !== '=') continue;
    position = skipSpaces(text, position + 1);
    const quote = text[position];
    if (quote === '"' || quote === "'") {
      const end = text.indexOf(quote, position + 1);
      return end === -1 ? null : encodingForLabel(text.slice(position + 1, end));
    }
    if (position === text.length) return null;
    let end = position;
    while (end < text.length && text[end] !== ';' && !isSpace(text.charCodeAt(end))) end++;
    return encodingForLabel(text.slice(position, end));
  }
}

/**
 * "Get an XML encoding": the `encoding` of an XML declaration at the very start of the bytes, or `null`. It applies
 * only when the prescan aborts without a `<meta>` declaration (a '<?xml' is otherwise skipped like any '<?').
 */
function xmlEncoding(input: Uint8Array): string | null {
  // 1-3: '<?xml' at the start, and the declaration's '>'.
  if (input[0] !== LESS_THAN || input[1] !== QUESTION || input[2] !== 0x78 || input[3] !== 0x6d || input[4] !== 0x6c) return null;
  const declarationEnd = indexOfByte(input, GREATER_THAN, 0);
  if (declarationEnd === -1) return null;
  // 4-9: the first 'encoding' before that '>', then '=' with optional whitespace or control bytes around it.
  let position = indexOfSequence(input, ENCODING, 0);
  if (position === -1 || position + ENCODING.length > declarationEnd) return null;
  position += ENCODING.length;
  while (position < input.length && (input[position] as number) <= SPACE) position++;
  if (input[position] !== EQUALS) return null;
  position++;
  while (position < input.length && (input[position] as number) <= SPACE) position++;
  // 10-15: a quoted label without whitespace or control bytes (its closing quote may lie past the '>').
  const quote = input[position];
  if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) return null;
  const end = indexOfByte(input, quote, position + 1);
  if (end === -1) return null;
  for (let index = position + 1; index < end; index++) if ((input[index] as number) <= SPACE) return null;
  // 16-18.
  const encoding = encodingForLabel(isomorphicDecode(input, position + 1, end));
  return encoding === 'utf-16le' || encoding === 'utf-16be' ? 'utf-8' : encoding;
}

/** Whether a case-insensitive '<meta' followed by whitespace or '/' starts at `position` (step 3's second case). */
function isMetaStart(input: Uint8Array, position: number): boolean {
  const after = input[position + 5];
  return (
    ((input[position + 1] as number) | 0x20) === 0x6d &&
    ((input[position + 2] as number) | 0x20) === 0x65 &&
    ((input[position + 3] as number) | 0x20) === 0x74 &&
    ((input[position + 4] as number) | 0x20) === 0x61 &&
    after !== undefined &&
    (isSpace(after) || after === SLASH)
  );
}

/** Whether the bytes hold a '<meta' followed by whitespace or '/' anywhere (the prescan's fast path when not). */
function hasMeta(input: Uint8Array): boolean {
  for (let position = indexOfByte(input, LESS_THAN, 0); position !== -1; position = indexOfByte(input, LESS_THAN, position + 1)) {
    if (isMetaStart(input, position)) return true;
  }
  return false;
}

// A loop, not Uint8Array#indexOf: the body is often a Buffer, whose indexOf goes through C++ at a cost per call that
// exceeds scanning the few bytes to the next '<' (the prescan made ~50 such calls per kilobyte).
function indexOfByte(input: Uint8Array, byte: number, from: number): number {
  for (let position = from; position < input.length; position++) if (input[position] === byte) return position;
  return -1;
}

function indexOfSequence(input: Uint8Array, sequence: Uint8Array, from: number): number {
  const first = sequence[0] as number;
  for (let position = indexOfByte(input, first, from); position !== -1; position = indexOfByte(input, first, position + 1)) {
    let index = 1;
    while (index < sequence.length && input[position + index] === sequence[index]) index++;
    if (index === sequence.length) return position;
  }
  return -1;
}

/** The bytes as code points of the same value (Infra's "isomorphic decode"). */
function isomorphicDecode(input: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let position = start; position < end; position++) text += String.fromCharCode(input[position] as number);
  return text;
}

/** The bytes as code points of the same value, A-Z lower-cased: what "get an attribute" appends byte by byte. */
function isomorphicLowerCase(input: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let position = start; position < end; position++) {
    const byte = input[position] as number;
    text += String.fromCharCode(byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte);
  }
  return text;
}

function skipSpaces(text: string, position: number): number {
  while (isSpace(text.charCodeAt(position))) position++;
  return position;
}

/** ASCII whitespace: the bytes the prescan treats as space (tab, LF, FF, CR, space). */
function isSpace(byte: number): boolean {
  return byte === SPACE || byte === LF || byte === TAB || byte === CR || byte === FF;
}

function isAsciiLetter(byte: number | undefined): boolean {
  return byte !== undefined && ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7a);
}
