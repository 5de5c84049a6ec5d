import { decodeHTML, decodeHTMLAttribute } from 'entities/decode';
import { html, Token, TokenizerMode } from 'parse5';
import { binaryOfText, textOfBinary } from './binary-utf8.js';
import { ownCopy } from './own-copy.js';

/**
 * What the fast tokenizer tells the shadow of tree construction. Text comes as whole runs (references decoded,
 * newlines normalized) where parse5 would emit alternating whitespace and character tokens.
 */
export interface FastTokenHandler {
  onStartTag(token: Token.TagToken): void;
  onEndTag(token: Token.TagToken): void;
  onText(chars: string): void;
  onComment(): void;
  onDoctype(): void;
  onEof(): void;
}

/** Thrown when the input holds something the fast tokenizer leaves to parse5's: the caller starts over with that one. */
export const UNHANDLED = Symbol('unhandled');

/**
 * The HTML tokenizer's states for the input a crawler meets, read a construct at a time instead of a code point at a
 * time: text runs are found with `indexOf('<')` (and skipped whole when nobody reads them), plain tags with one
 * regular expression, others by the tag states of the spec, comments and doctypes by their closing `>`, and the
 * text of `<title>`, `<script>`, `<style>` and the like by their end tag. It produces the tokens parse5's tokenizer
 * produces, for the shadow in tree-shadow.ts. What it does not model it hands back by throwing
 * {@link UNHANDLED}: NULs, a construct cut off by the end of the input, and CDATA in SVG or MathML.
 * The differential tests (tests/extractors/streamed-elements.test.ts) hold it to the tree parse5 builds.
 */
export class FastTokenizer {
  /** Set by the shadow after a start tag that switches the tokenizer (RCDATA, RAWTEXT, script data). */
  state: number = TokenizerMode.DATA;
  /** Set by the shadow whenever the stack changes: text nobody reads is skipped. */
  skipText = false;
  /** Set by the shadow: the current node is in SVG or MathML (where `<![CDATA[` opens a section). */
  inForeignNode = false;
  readonly #handler: FastTokenHandler;
  /** Whether a start tag's attributes are read by anyone; others are emitted without them. */
  readonly #wantsAttributes: (tagName: string) => boolean;
  /** The input is a binary string (a UTF-8 body, a character per byte; see binary-utf8.ts). */
  readonly #binary: boolean;
  #source = '';
  #lastStartTag = '';
  readonly #startToken = tagToken(Token.TokenType.START_TAG);
  readonly #endToken = tagToken(Token.TokenType.END_TAG);

  constructor(handler: FastTokenHandler, binary: boolean, wantsAttributes: (tagName: string) => boolean) {
    this.#handler = handler;
    this.#binary = binary;
    this.#wantsAttributes = wantsAttributes;
  }

  /** Tokenizes the whole input. @throws UNHANDLED (see the class). */
  run(source: string): void {
    if (source.includes('\0')) throw UNHANDLED;
    this.#source = source;
    const length = source.length;
    let pos = 0;
    while (pos < length) {
      if (this.state !== TokenizerMode.DATA) {
        pos = this.#textElement(pos);
        continue;
      }
      const open = source.indexOf('<', pos);
      const end = open === -1 ? length : open;
      if (end > pos && !this.skipText) this.#text(pos, end, true);
      if (open === -1) break;
      pos = this.#markup(open);
    }
    this.#handler.onEof();
  }

  /** Whatever starts at a `<` in the data state; returns where the data state resumes. */
  #markup(open: number): number {
    const source = this.#source;
    const next = source.charCodeAt(open + 1);
    if (isAsciiAlpha(next)) return this.#tag(open + 1, true);
    if (next === SLASH) {
      const after = source.charCodeAt(open + 2);
      if (isAsciiAlpha(after)) return this.#tag(open + 2, false);
      if (after === GREATER_THAN) return open + 3; // `</>` is dropped
      if (Number.isNaN(after)) throw UNHANDLED;
      return this.#bogusComment(open + 2);
    }
    if (next === BANG) return this.#declaration(open + 2);
    if (next === QUESTION) return this.#bogusComment(open + 1);
    // A '<' that starts no markup is text.
    if (!this.skipText) this.#handler.onText('<');
    return open + 1;
  }

  /** After `<!`: a comment, a doctype, CDATA (only in foreign content) or a bogus comment. */
  #declaration(pos: number): number {
    const source = this.#source;
    if (source.startsWith('--', pos)) return this.#comment(pos + 2);
    DOCTYPE.lastIndex = pos;
    if (DOCTYPE.test(source)) {
      // Every doctype state ends the token at the first '>', quoted identifiers included.
      const close = source.indexOf('>', pos);
      if (close === -1) throw UNHANDLED;
      this.#handler.onDoctype();
      return close + 1;
    }
    if (this.inForeignNode && source.startsWith('[CDATA[', pos)) throw UNHANDLED;
    return this.#bogusComment(pos);
  }

  /** After `<!--`: the comment ends at `-->` or `--!>` (any number of dashes), or at once as `<!-->` or `<!--->`. */
  #comment(pos: number): number {
    const source = this.#source;
    if (source.charCodeAt(pos) === GREATER_THAN) return this.#commentEndingAt(pos);
    if (source.charCodeAt(pos) === DASH && source.charCodeAt(pos + 1) === GREATER_THAN) return this.#commentEndingAt(pos + 1);
    for (let from = pos; ; ) {
      const close = source.indexOf('>', from);
      if (close === -1) throw UNHANDLED;
      const dashes = source.charCodeAt(close - 1) === BANG ? close - 3 : close - 2;
      if (dashes >= pos && source.charCodeAt(dashes) === DASH && source.charCodeAt(dashes + 1) === DASH) return this.#commentEndingAt(close);
      from = close + 1;
    }
  }

  #bogusComment(pos: number): number {
    const close = this.#source.indexOf('>', pos);
    if (close === -1) throw UNHANDLED;
    return this.#commentEndingAt(close);
  }

  #commentEndingAt(close: number): number {
    this.#handler.onComment();
    return close + 1;
  }

  /** A start or end tag whose name starts at `pos`; returns the position after its `>`. */
  #tag(pos: number, start: boolean): number {
    const source = this.#source;
    const plain = start ? PLAIN_START_TAG : PLAIN_END_TAG;
    plain.lastIndex = pos;
    const match = plain.exec(source);
    let tagName: string;
    let attrs = NO_ATTRIBUTES;
    let selfClosing = false;
    let end: number;
    if (match !== null) {
      tagName = match[1] as string;
      if (start) {
        const attributes = match[2];
        if (attributes && this.#wantsAttributes(tagName)) attrs = this.#plainAttributes(attributes);
        selfClosing = match[3] === '/';
      }
      end = plain.lastIndex;
    } else {
      ({ tagName, attrs, selfClosing, end } = this.#readTag(pos, start));
    }
    // One token of each kind serves every tag: the shadow copies what it keeps (names, ids, the attributes it records).
    const token = start ? this.#startToken : this.#endToken;
    token.tagName = ownCopy(tagName);
    token.tagID = html.getTagID(tagName);
    token.selfClosing = selfClosing;
    token.attrs = attrs;
    if (start) {
      this.#lastStartTag = token.tagName;
      this.#handler.onStartTag(token);
    } else this.#handler.onEndTag(token);
    return end;
  }

  #plainAttributes(attributes: string): Token.Attribute[] {
    const attrs: Token.Attribute[] = [];
    PLAIN_ATTRIBUTE.lastIndex = 0;
    for (let found = PLAIN_ATTRIBUTE.exec(attributes); found !== null; found = PLAIN_ATTRIBUTE.exec(attributes)) {
      this.#addAttribute(attrs, found[1] as string, found[2] ?? '');
    }
    return attrs;
  }

  /**
   * A tag by the tag states of the spec: any case, single, double or no quotes, stray slashes, `=` without a value.
   * Attributes are kept only where {@link FastTokenizer} is told they are read.
   */
  #readTag(pos: number, start: boolean): { tagName: string; attrs: Token.Attribute[]; selfClosing: boolean; end: number } {
    const source = this.#source;
    const length = source.length;
    let i = pos;
    while (i < length && !endsName(source.charCodeAt(i))) i++;
    const tagName = lowerAscii(source.slice(pos, i));
    const wanted = start && this.#wantsAttributes(tagName);
    const attrs = wanted ? ([] as Token.Attribute[]) : NO_ATTRIBUTES;
    for (;;) {
      if (i >= length) throw UNHANDLED;
      let code = source.charCodeAt(i);
      if (isSpace(code)) {
        i++;
        continue;
      }
      if (code === GREATER_THAN) return { tagName, attrs, selfClosing: false, end: i + 1 };
      if (code === SLASH) {
        if (source.charCodeAt(i + 1) === GREATER_THAN) return { tagName, attrs, selfClosing: true, end: i + 2 };
        i++; // a stray '/' separates attributes
        continue;
      }
      // An attribute name runs to a space, '/', '>' or '=' (its first character may be '=').
      const nameStart = i++;
      while (i < length && !endsAttributeName((code = source.charCodeAt(i)))) i++;
      const name = source.slice(nameStart, i);
      while (i < length && isSpace(source.charCodeAt(i))) i++;
      let value = '';
      if (source.charCodeAt(i) === EQUALS) {
        i++;
        while (i < length && isSpace(source.charCodeAt(i))) i++;
        code = source.charCodeAt(i);
        if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) {
          const close = source.indexOf(code === DOUBLE_QUOTE ? '"' : "'", i + 1);
          if (close === -1) throw UNHANDLED;
          value = source.slice(i + 1, close);
          i = close + 1; // the next attribute may follow without a space (a parse error the tokenizer lets pass)
        } else if (code !== GREATER_THAN) {
          const valueStart = i;
          while (i < length && !isSpace((code = source.charCodeAt(i))) && code !== GREATER_THAN) i++;
          value = source.slice(valueStart, i);
        }
      }
      if (wanted) this.#addAttribute(attrs, lowerAscii(name), value);
    }
  }

  /** Adds an attribute as the tokenizer would: a repeated name is dropped, references decoded, newlines normalized. */
  #addAttribute(attrs: Token.Attribute[], name: string, raw: string): void {
    for (const attr of attrs) if (attr.name === name) return;
    let value = raw.includes('\r') ? raw.replace(NEWLINES, '\n') : raw;
    if (value.includes('&')) value = this.#decoded(value, decodeHTMLAttribute);
    attrs.push({ name: ownCopy(name), value: ownCopy(value) });
  }

  /** The text of `<title>`, `<script>`, `<style>` and the like, up to its end tag, which it reads too. */
  #textElement(pos: number): number {
    const source = this.#source;
    let close = this.#endTagAfter(pos, this.#lastStartTag);
    // In script data `<!--` starts the escape states, where `<script>` can hide the end tag until `-->`.
    if (this.state === TokenizerMode.SCRIPT_DATA && source.slice(pos, close === -1 ? source.length : close).includes('<!--')) close = this.#escapedScriptEnd(pos);
    const end = close === -1 ? source.length : close;
    if (end > pos && !this.skipText) this.#text(pos, end, this.state === TokenizerMode.RCDATA);
    if (close === -1) return end;
    this.state = TokenizerMode.DATA;
    return this.#tag(close + 2, false);
  }

  /** The first `</name` (any case) from `pos` followed by a space, '/' or '>', or -1. */
  #endTagAfter(pos: number, name: string): number {
    for (let from = pos; ; ) {
      const close = this.#source.indexOf('</', from);
      if (close === -1 || this.#isEndTagOf(close + 2, name)) return close;
      from = close + 2;
    }
  }

  /**
   * Where script data holding `<!--` ends (its `</script`), or -1: the script data escaped and double escaped states
   * of the spec, a character at a time (such scripts are rare and short).
   */
  #escapedScriptEnd(pos: number): number {
    const source = this.#source;
    const length = source.length;
    let state = SCRIPT;
    let dashes = 0;
    for (let i = pos; i < length; i++) {
      const code = source.charCodeAt(i);
      if (state === SCRIPT) {
        if (code !== LESS_THAN) continue;
        if (source.charCodeAt(i + 1) === SLASH && this.#isEndTagOf(i + 2, 'script')) return i;
        if (source.startsWith('<!--', i)) {
          state = ESCAPED;
          dashes = 2;
          i += 3;
        }
        continue;
      }
      if (code === DASH) {
        dashes++;
        continue;
      }
      if (code === GREATER_THAN && dashes >= 2) {
        state = SCRIPT;
        dashes = 0;
        continue;
      }
      dashes = 0;
      if (code !== LESS_THAN) continue;
      // `</script` ends the script when escaped, and leaves double escaping; `<script` starts it.
      const slash = source.charCodeAt(i + 1) === SLASH;
      const nameAt = slash ? i + 2 : i + 1;
      if (!this.#isEndTagOf(nameAt, 'script')) continue;
      if (state === ESCAPED && slash) return i;
      if (state === ESCAPED ? !slash : slash) state = state === ESCAPED ? DOUBLE_ESCAPED : ESCAPED;
      i = nameAt + 'script'.length; // the space, '/' or '>' after the name is text
    }
    return -1;
  }

  /** Whether `name` (lower-case letters) starts at `pos`, in any case, and is followed by a space, '/' or '>'. */
  #isEndTagOf(pos: number, name: string): boolean {
    const source = this.#source;
    for (let i = 0; i < name.length; i++) if ((source.charCodeAt(pos + i) | 0x20) !== name.charCodeAt(i)) return false;
    const after = source.charCodeAt(pos + name.length);
    return isSpace(after) || after === SLASH || after === GREATER_THAN;
  }

  /** A run of text from `start` to `end`, given to the handler: newlines normalized, references decoded when `references`. */
  #text(start: number, end: number, references: boolean): void {
    let chars = this.#source.slice(start, end);
    // The preprocessor normalizes newlines before the tokenizer sees them, so before references are decoded.
    if (chars.includes('\r')) chars = chars.replace(NEWLINES, '\n');
    if (references && chars.includes('&')) chars = this.#decoded(chars, decodeHTML);
    this.#handler.onText(chars);
  }

  /** Decodes references; in a binary string, what they add is added as UTF-8 bytes, the rest kept as it is. */
  #decoded(raw: string, decode: (text: string) => string): string {
    return this.#binary ? binaryOfText(decode(textOfBinary(raw))) : decode(raw);
  }
}

function tagToken(type: Token.TokenType.START_TAG | Token.TokenType.END_TAG): Token.TagToken {
  return { type, tagName: '', tagID: html.TAG_ID.UNKNOWN, selfClosing: false, ackSelfClosing: false, attrs: NO_ATTRIBUTES, location: null };
}

/** The attributes of a tag whose attributes nobody reads; frozen, since the token that carries them is reused. */
const NO_ATTRIBUTES = Object.freeze([]) as unknown as Token.Attribute[];

// Plain tags, the great majority: a lower-case name, then attributes each after white space, with or without a
// double-quoted value, then an optional self-closing slash. Each part excludes what ends the next, so a failed match
// costs one pass; anything else is read by the tag states (`#readTag`).
const PLAIN_START_TAG = /([a-z][a-z0-9-]*)((?:[\t\n\f\r ]+[a-z][a-z0-9_:.-]*(?:="[^"]*")?)*)[\t\n\f\r ]*(\/?)>/y;
const PLAIN_END_TAG = /([a-z][a-z0-9-]*)[\t\n\f\r ]*>/y;
const PLAIN_ATTRIBUTE = /[\t\n\f\r ]+([a-z][a-z0-9_:.-]*)(?:="([^"]*)")?/g;
const DOCTYPE = /doctype/iy;
const NEWLINES = /\r\n?/g;
const UPPER_CASE = /[A-Z]/;

function lowerAscii(name: string): string {
  // Only ASCII letters are lowered: in a binary string other characters are bytes.
  return UPPER_CASE.test(name) ? name.replace(/[A-Z]+/g, (letters) => letters.toLowerCase()) : name;
}


const isAsciiAlpha = (code: number): boolean => (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a;
// The preprocessor turns CR into LF, so CR separates as the other white space does.
const isSpace = (code: number): boolean => code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0c || code === 0x0d;
const endsName = (code: number): boolean => isSpace(code) || code === SLASH || code === GREATER_THAN;
const endsAttributeName = (code: number): boolean => endsName(code) || code === EQUALS;

// The script data states #escapedScriptEnd follows.
const SCRIPT = 0;
const ESCAPED = 1;
const DOUBLE_ESCAPED = 2;

const LESS_THAN = 0x3c;
const SLASH = 0x2f;
const GREATER_THAN = 0x3e;
const BANG = 0x21;
const QUESTION = 0x3f;
const DASH = 0x2d;
const EQUALS = 0x3d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
