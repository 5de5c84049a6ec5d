import { html, Token, Tokenizer, TokenizerMode } from 'parse5';
import { binaryOfText } from './binary-utf8.js';
import { ownCopy } from './own-copy.js';

/**
 * parse5's tokenizer, made to skim where that cannot change what it produces:
 *
 * - Text nobody reads is skipped. Outside recorded elements (and outside tables, where text decides whether the shadow
 *   bails) the text of the data, raw-text and script-data states becomes no token at all: the tokenizer jumps to the
 *   next character that can change its state instead of building character tokens one code point at a time, which is
 *   most of its work on a typical page.
 * - Plain tags (see `PLAIN_START_TAG`; 95-100% of the tags of the benchmark sites) are read whole with one regular
 *   expression instead of a state transition per character. V8 compiles a regular expression to machine code almost
 *   at once, while the tokenizer's JavaScript runs slowly until it is optimized, which matters on short crawls.
 * - The input may be a binary string (a UTF-8 body, a character per byte; see binary-utf8.ts): then the characters the
 *   tokenizer adds of its own (references, replacements) are added as UTF-8 bytes.
 *
 * It overrides some of parse5's protected methods and moves `preprocessor.pos`, which parse5 does not promise to keep
 * stable, so package.json pins parse5 to ~8.1.x. Should a parse5 release rename the methods or stop calling them, the
 * shortcuts would stop without a wrong result (only slower): tests/extractors/skimming-tokenizer.test.ts fails then;
 * should it change what `pos` means, the differential tests (tests/extractors/streamed-elements.test.ts) fail.
 */
export class SkimmingTokenizer extends Tokenizer {
  /** Set by the shadow whenever the stack changes. */
  skipText = false;
  /** The input is a binary string (a UTF-8 body, a character per byte): what the tokenizer adds is added as bytes. */
  binary = false;

  protected override _stateData(cp: number): void {
    // '<' and '&' change the state, NUL is reported, EOF ends: only other characters are skipped.
    if (this.skipText && cp !== LESS_THAN && cp !== AMPERSAND && cp !== NUL && cp !== EOF) this.#skipTo(DATA_STOPS);
    else super._stateData(cp);
  }

  protected override _stateRawtext(cp: number): void {
    if (this.skipText && cp !== LESS_THAN && cp !== NUL && cp !== EOF) this.#skipTo(RAW_STOPS);
    else super._stateRawtext(cp);
  }

  protected override _stateScriptData(cp: number): void {
    if (this.skipText && cp !== LESS_THAN && cp !== NUL && cp !== EOF) this.#skipTo(RAW_STOPS);
    else super._stateScriptData(cp);
  }

  protected override _stateTagOpen(cp: number): void {
    if (!this.#readPlainTag(cp, PLAIN_START_TAG, Token.TokenType.START_TAG)) super._stateTagOpen(cp);
  }

  protected override _stateEndTagOpen(cp: number): void {
    if (!this.#readPlainTag(cp, PLAIN_END_TAG, Token.TokenType.END_TAG)) super._stateEndTagOpen(cp);
  }

  /**
   * Reads a whole tag at once when it is plain: lower-case names, double-quoted values without references, NULs or
   * carriage returns, single spaces or newlines between attributes. The states it stands for would build the same
   * token from it one code point at a time; anything else is left to them.
   */
  #readPlainTag(cp: number, pattern: RegExp, type: Token.TokenType.START_TAG | Token.TokenType.END_TAG): boolean {
    // A tag read whole has no source location: only for callers that do not ask for locations.
    if (cp < LOWER_A || cp > LOWER_Z || this.options.sourceCodeLocationInfo) return false;
    const preprocessor = this.preprocessor;
    pattern.lastIndex = preprocessor.pos;
    const match = pattern.exec(preprocessor.html);
    if (match === null) return false;
    const attrs: Token.Attribute[] = [];
    const attributes = match[2];
    if (attributes) {
      PLAIN_ATTRIBUTE.lastIndex = 0;
      for (let found = PLAIN_ATTRIBUTE.exec(attributes); found !== null; found = PLAIN_ATTRIBUTE.exec(attributes)) {
        const name = found[1] as string;
        // A repeated attribute is dropped, as the attribute name state drops it.
        if (attrs.some((attr) => attr.name === name)) continue;
        attrs.push({ name, value: ownCopy(found[2] ?? '') });
      }
    }
    this._flushRun('');
    this.currentToken = { type, tagName: ownCopy(match[1] as string), tagID: html.TAG_ID.UNKNOWN, selfClosing: match[3] === '/', ackSelfClosing: false, attrs, location: null };
    preprocessor.pos = pattern.lastIndex - 1;
    this.state = TokenizerMode.DATA;
    this.emitCurrentTagToken();
    return true;
  }

  protected override _extendRunWith(text: string, cpOffset: number): void {
    // The offsets parse5 derives from the text's length only decide whether the text is the input itself, which a
    // reference or a replacement never is, before or after its conversion to bytes.
    super._extendRunWith(this.binary ? binaryOfText(text) : text, cpOffset);
  }

  /** Moves the input to just before the next character matching `stops` (or the end), so it is read next. */
  #skipTo(stops: RegExp): void {
    const preprocessor = this.preprocessor;
    stops.lastIndex = preprocessor.pos + 1;
    const next = stops.exec(preprocessor.html)?.index ?? preprocessor.html.length;
    preprocessor.pos = next - 1;
  }
}

// A start tag from its name on: name, attributes (each after a space or newline, with or without a double-quoted
// value), spaces, an optional self-closing slash, '>'. An end tag: name, spaces, '>'.
const PLAIN_START_TAG = /([a-z][a-z0-9-]*)((?:[ \n][a-z][a-z0-9_:.-]*(?:="[^"&\0\r]*")?)*)[ \n]*(\/?)>/y;
const PLAIN_END_TAG = /([a-z][a-z0-9-]*)[ \n]*>/y;
const PLAIN_ATTRIBUTE = /[ \n]([a-z][a-z0-9_:.-]*)(?:="([^"]*)")?/g;


const LESS_THAN = 0x3c;
const AMPERSAND = 0x26;
const LOWER_A = 0x61;
const LOWER_Z = 0x7a;
const NUL = 0x00;
const EOF = -1;
const DATA_STOPS = /[<&\0]/g;
const RAW_STOPS = /[<\0]/g;
