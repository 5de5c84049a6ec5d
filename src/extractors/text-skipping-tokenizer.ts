import { Tokenizer } from 'parse5';
import { binaryOfText } from './binary-utf8.js';

/**
 * parse5's tokenizer, told to skip text nobody reads. Outside recorded elements (and outside tables, where text decides
 * whether the shadow bails) the text of the data, raw-text and script-data states becomes no token at all: the
 * tokenizer jumps to the next character that can change its state instead of building character tokens one code point
 * at a time, which is most of its work on a typical page.
 *
 * It overrides three of parse5's protected state methods and moves `preprocessor.pos`, which parse5 does not promise to
 * keep stable. Should a parse5 release rename the methods, skipping silently stops (slower, still exact); should it
 * change what `pos` means, the differential tests (tests/extractors/streamed-elements.test.ts) fail.
 */
export class TextSkippingTokenizer extends Tokenizer {
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

const LESS_THAN = 0x3c;
const AMPERSAND = 0x26;
const NUL = 0x00;
const EOF = -1;
const DATA_STOPS = /[<&\0]/g;
const RAW_STOPS = /[<\0]/g;
