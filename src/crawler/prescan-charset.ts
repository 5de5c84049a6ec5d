import { encodingForLabel } from './encoding-label.js';

// WHATWG HTML 13.2.3.2 "Determining the character encoding": the prescan, with its "get an attribute" and "get an XML
// encoding" steps, and "the algorithm for extracting a character encoding from a meta element" it calls (HTML "URLs and
// fetching"). https://html.spec.whatwg.org/multipage/parsing.html#prescan-a-byte-stream-to-determine-its-encoding
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
const SLASH = 0x2f;
const EQUALS = 0x3d;
const GREATER_THAN = 0x3e;
const UPPER_ASCII = /[A-Z]+/g;
const HAS_UPPER_ASCII = /[A-Z]/;
// Step 3's second case: a case-insensitive '<meta' followed by whitespace or '/'.
const META_START = /<meta[\t\n\f\r /]/i;
const CONTROL_OR_SPACE = /[\0-\x20]/;

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
  // The steps read bytes; they read the isomorphic decoding of the bytes here (a character per byte, of the same value),
  // whose searches are native (a JavaScript loop over bytes was 3 times slower).
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, PRESCAN_BYTES)).toString('latin1');
  // The loop can only return from a `<meta`: without one, only the UTF-16 prefixes and an XML declaration count.
  const declared = META_START.test(head) ? new Prescan(head).run() : utf16XmlPrefix(head);
  // Running out of bytes aborts the prescan, which then returns the result of "get an XML encoding".
  return declared === OUT_OF_BYTES ? xmlEncoding(head) : declared;
}

/** Step 2, "prescan for UTF-16 XML declarations": '<?x' in UTF-16 at the very start. */
function utf16XmlPrefix(head: string): string | typeof OUT_OF_BYTES {
  if (head.startsWith('<\0?\0x\0')) return 'utf-16le';
  if (head.startsWith('\0<\0?\0x')) return 'utf-16be';
  return OUT_OF_BYTES;
}

class Prescan {
  /** The bytes, a character per byte. */
  readonly #head: string;
  /** The spec's `position`. */
  #position = 0;

  constructor(head: string) {
    this.#head = head;
  }

  run(): string | typeof OUT_OF_BYTES {
    const head = this.#head;
    const prefixed = utf16XmlPrefix(head);
    if (prefixed !== OUT_OF_BYTES) return prefixed;
    for (;;) {
      // Step 3, "Loop". "Any other byte: do nothing with that byte": every case starts at a '<'.
      const position = head.indexOf('<', this.#position);
      if (position === -1) return OUT_OF_BYTES;
      this.#position = position;
      if (head.startsWith('<!--', position)) {
        // To the first '>' after the '<' that ends '-->'; the two hyphens may be those of '<!--' itself.
        const end = head.indexOf('-->', position + 2);
        if (end === -1) return OUT_OF_BYTES;
        this.#position = end + 2;
      } else if (isMetaStart(head, position)) {
        const charset = this.#meta();
        if (charset !== null) return charset;
      } else if (isAsciiLetter(head.charCodeAt(position + 1)) || (head.charCodeAt(position + 1) === SLASH && isAsciiLetter(head.charCodeAt(position + 2)))) {
        // A tag: to the next whitespace or '>' byte, then past every attribute.
        let end = position + 1;
        while (end < head.length && !isSpace(head.charCodeAt(end)) && head.charCodeAt(end) !== GREATER_THAN) end++;
        if (end === head.length) return OUT_OF_BYTES;
        this.#position = end;
        for (let attribute = this.#getAttribute(false); attribute !== null; attribute = this.#getAttribute(false)) {
          if (attribute === OUT_OF_BYTES) return OUT_OF_BYTES;
        }
      } else if (head.startsWith('<!', position) || head.startsWith('</', position) || head.startsWith('<?', position)) {
        // To the first '>' after the '<'.
        const end = head.indexOf('>', position + 1);
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
    const head = this.#head;
    const length = head.length;
    let position = this.#position;
    // 1-2: skip whitespace and '/'; a '>' ends the tag.
    while (position < length && (isSpace(head.charCodeAt(position)) || head.charCodeAt(position) === SLASH)) position++;
    if (position === length) return OUT_OF_BYTES;
    if (head.charCodeAt(position) === GREATER_THAN) {
      this.#position = position;
      return null;
    }
    // 3-5: the name, up to '=' (which can be its own first byte), whitespace, '/' or '>'.
    const nameStart = position;
    let hasValue = false;
    for (; position < length; position++) {
      const byte = head.charCodeAt(position);
      if (byte === EQUALS && position > nameStart) {
        hasValue = true;
        break;
      }
      if (isSpace(byte) || byte === SLASH || byte === GREATER_THAN) break;
    }
    if (position === length) return OUT_OF_BYTES;
    const nameEnd = position;
    if (!hasValue && isSpace(head.charCodeAt(position))) {
      // 6-7, "Spaces": whitespace, then '=' or the attribute has no value.
      while (position < length && isSpace(head.charCodeAt(position))) position++;
      if (position === length) return OUT_OF_BYTES;
      hasValue = head.charCodeAt(position) === EQUALS;
    }
    if (!hasValue) {
      this.#position = position;
      return keep ? { name: asciiLowerCase(head.slice(nameStart, nameEnd)), value: '' } : SKIPPED;
    }
    // 8-9, "Value": past the '=' and any whitespace.
    position++;
    while (position < length && isSpace(head.charCodeAt(position))) position++;
    if (position === length) return OUT_OF_BYTES;
    const first = head[position] as string;
    let valueStart = position;
    let valueEnd: number;
    if (first === '"' || first === "'") {
      // 10: a quoted value ends at the same quote, which is consumed.
      valueStart = position + 1;
      valueEnd = head.indexOf(first, valueStart);
      if (valueEnd === -1) return OUT_OF_BYTES;
      this.#position = valueEnd + 1;
    } else if (first === '>') {
      valueEnd = position;
      this.#position = position;
    } else {
      // 10-12: an unquoted value ends before whitespace or '>'.
      for (position++; position < length && !isSpace(head.charCodeAt(position)) && head.charCodeAt(position) !== GREATER_THAN; position++);
      if (position === length) return OUT_OF_BYTES;
      valueEnd = position;
      this.#position = position;
    }
    return keep ? { name: asciiLowerCase(head.slice(nameStart, nameEnd)), value: asciiLowerCase(head.slice(valueStart, valueEnd)) } : SKIPPED;
  }
}

/**
 * HTML "algorithm for extracting a character encoding from a meta element" (a `content` value such as
 * `text/html; charset=windows-1251`): the encoding, or `null` for none or an unknown label.
 */
export function encodingFromMetaContent(content: string): string | null {
  const text = asciiLowerCase(content);
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
function xmlEncoding(head: string): string | null {
  // 1-3: '<?xml' at the start, and the declaration's '>'.
  if (!head.startsWith('<?xml')) return null;
  const declarationEnd = head.indexOf('>');
  if (declarationEnd === -1) return null;
  // 4-9: the first 'encoding' before that '>', then '=' with optional whitespace or control bytes around it.
  let position = head.indexOf('encoding');
  if (position === -1 || position + 'encoding'.length > declarationEnd) return null;
  position += 'encoding'.length;
  while (position < head.length && head.charCodeAt(position) <= SPACE) position++;
  if (head.charCodeAt(position) !== EQUALS) return null;
  position++;
  while (position < head.length && head.charCodeAt(position) <= SPACE) position++;
  // 10-15: a quoted label without whitespace or control bytes (its closing quote may lie past the '>').
  const quote = head[position];
  if (quote !== '"' && quote !== "'") return null;
  const end = head.indexOf(quote, position + 1);
  if (end === -1) return null;
  const label = head.slice(position + 1, end);
  if (CONTROL_OR_SPACE.test(label)) return null;
  // 16-18.
  const encoding = encodingForLabel(label);
  return encoding === 'utf-16le' || encoding === 'utf-16be' ? 'utf-8' : encoding;
}

/** Whether a case-insensitive '<meta' followed by whitespace or '/' starts at `position` (no character of the head, U+0000-U+00FF,
 * lower-cases to ASCII but A-Z). */
function isMetaStart(head: string, position: number): boolean {
  const after = head.charCodeAt(position + 5);
  return (isSpace(after) || after === SLASH) && head.slice(position + 1, position + 5).toLowerCase() === 'meta';
}

/** ASCII lower case: what "get an attribute" does to the bytes A-Z (String#toLowerCase would also fold others). */
function asciiLowerCase(text: string): string {
  return HAS_UPPER_ASCII.test(text) ? text.replace(UPPER_ASCII, (letters) => letters.toLowerCase()) : text;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function skipSpaces(text: string, position: number): number {
  while (isSpace(text.charCodeAt(position))) position++;
  return position;
}

/** ASCII whitespace: the bytes the prescan treats as space (tab, LF, FF, CR, space). */
function isSpace(byte: number): boolean {
  return byte === SPACE || byte === LF || byte === TAB || byte === CR || byte === FF;
}
