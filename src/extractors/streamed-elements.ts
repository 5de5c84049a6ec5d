import { foreignContent, html, Tokenizer, TokenizerMode } from 'parse5';
import type { Token, TokenHandler } from 'parse5';
import type { Element } from './dom.js';

// The streaming pass: parse5's tokenizer with a shadow of tree construction that is exact on ordinary markup and gives
// up ("bails") on everything else, so that callers fall back to the full tree and results never differ. What the shadow
// must get right is which text belongs to which recorded element and the elements' document order. Both follow token
// order as long as the tree builder never moves, clones or re-parents anything, which it does only in the adoption
// agency (misnested formatting elements), when it reconstructs formatting elements that were closed implicitly, and
// when it foster-parents content out of tables. The shadow bails before any of these can happen, and on constructs it
// does not model (<template>, <select>, <frameset>, <plaintext>, ruby, integration points and NULs in SVG and MathML).
// The module is long because it is a spec state machine (tree construction, in shadow); it stays in one piece.

/** Elements found by the streaming pass, in document order, and grouped by tag name. */
export interface StreamedElements {
  all: Element[];
  byTag: Map<string, Element[]>;
}

/**
 * Tag names the streaming pass records exactly. Elements the tree builder creates without a tag of their own
 * (`head`, `body`, `tbody`, `p` for a stray `</p>`, ...) or fills in another way are not among them; `html` is, with
 * its attributes merged as the tree builder merges repeated `<html>` tags (its text is not collected).
 */
export const STREAMABLE_TAGS: ReadonlySet<string> = new Set(['a', 'area', 'base', 'link', 'meta', 'title', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'html']);

const $ = html.TAG_ID;
type TagId = html.TAG_ID;
const HTML_NS = html.NS.HTML;

const FORMATTING = new Set<TagId>([$.A, $.B, $.BIG, $.CODE, $.EM, $.FONT, $.I, $.NOBR, $.S, $.SMALL, $.STRIKE, $.STRONG, $.TT, $.U]);
// Elements after which the list of active formatting elements holds a marker.
const MARKERS = new Set<TagId>([$.APPLET, $.OBJECT, $.MARQUEE, $.TD, $.TH, $.CAPTION, $.TEMPLATE]);
const SCOPE_BOUNDARIES = new Set<TagId>([$.APPLET, $.CAPTION, $.HTML, $.MARQUEE, $.OBJECT, $.TABLE, $.TD, $.TEMPLATE, $.TH]);
const LIST_ITEM_SCOPE_BOUNDARIES = new Set<TagId>([...SCOPE_BOUNDARIES, $.OL, $.UL]);
const BUTTON_SCOPE_BOUNDARIES = new Set<TagId>([...SCOPE_BOUNDARIES, $.BUTTON]);
const TABLE_SCOPE_BOUNDARIES = new Set<TagId>([$.HTML, $.TABLE, $.TEMPLATE]);
const SPECIAL = html.SPECIAL_ELEMENTS[HTML_NS];
const HEADINGS = html.NUMBERED_HEADERS;
const IMPLIED_END = new Set<TagId>([$.DD, $.DT, $.LI, $.OPTGROUP, $.OPTION, $.P, $.RB, $.RP, $.RT, $.RTC]);
const CLOSES_P = new Set<TagId>([
  $.ADDRESS, $.ARTICLE, $.ASIDE, $.BLOCKQUOTE, $.CENTER, $.DETAILS, $.DIALOG, $.DIR, $.DIV, $.DL, $.FIELDSET,
  $.FIGCAPTION, $.FIGURE, $.FOOTER, $.HEADER, $.HGROUP, $.MAIN, $.MENU, $.NAV, $.OL, $.P, $.SEARCH, $.SECTION, $.SUMMARY, $.UL,
]);
// End tags that close the element of the same name when it is in scope ("generate implied end tags, pop until").
const CLOSED_BY_END_TAG = new Set<TagId>([...CLOSES_P, $.BUTTON, $.LISTING, $.PRE, $.DD, $.DT, $.APPLET, $.MARQUEE, $.OBJECT]);
CLOSED_BY_END_TAG.delete($.P);
const VOID = new Set<TagId>([
  $.AREA, $.BR, $.EMBED, $.IMG, $.KEYGEN, $.WBR, $.INPUT, $.PARAM, $.SOURCE, $.TRACK, $.BASE, $.BASEFONT, $.BGSOUND, $.LINK, $.META,
]);
const RAWTEXT_IN_BODY = new Set<TagId>([$.STYLE, $.NOFRAMES, $.IFRAME, $.NOEMBED, $.NOSCRIPT]);
const IGNORED_IN_BODY = new Set<TagId>([$.COL, $.TH, $.TD, $.TR, $.HEAD, $.FRAME, $.TBODY, $.TFOOT, $.THEAD, $.CAPTION, $.COLGROUP, $.BODY]);
const NOT_MODELLED = new Set<TagId>([$.TEMPLATE, $.SELECT, $.FRAMESET, $.PLAINTEXT, $.RB, $.RTC, $.RT, $.RP]);
// The current node is one of these: text and most tags would be foster-parented.
const TABLE_CONTEXT = new Set<TagId>([$.TABLE, $.TBODY, $.THEAD, $.TFOOT, $.TR]);
const TABLE_SECTIONS = new Set<TagId>([$.TBODY, $.THEAD, $.TFOOT]);
const TABLE_STRUCTURE_START = new Set<TagId>([$.CAPTION, $.COL, $.COLGROUP, $.TBODY, $.TD, $.TFOOT, $.TH, $.THEAD, $.TR]);
const CELL_OR_CAPTION_END = new Set<TagId>([$.TABLE, $.TBODY, $.TFOOT, $.THEAD, $.TR, $.TD, $.TH, $.CAPTION, $.COL, $.COLGROUP, $.BODY, $.HTML]);
// Foreign elements in which (or in whose children) HTML rules apply again, by lower-case tag name as tokenized.
const INTEGRATION_POINTS = new Set(['foreignobject', 'desc', 'title', 'annotation-xml', 'mi', 'mo', 'mn', 'ms', 'mtext', 'mglyph', 'malignmark']);
// Text inside these is left out of textContent (dom.ts), in any namespace.
const TEXT_EXCLUDED = new Set(['script', 'style']);

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
class TextSkippingTokenizer extends Tokenizer {
  /** Set by the shadow whenever the stack changes. */
  skipText = false;

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

/** Thrown (one shared instance) when the page has structure the shadow does not model; never escapes this module. */
const BAIL = Symbol('bail');

/** An element being recorded, and its text so far. */
interface Recorded {
  element: Element;
  text: string;
}

/** One entry of the shadow stack of open elements. */
interface Open {
  id: TagId;
  name: string;
  /** HTML, or a foreign (SVG or MathML) element. */
  html: boolean;
  /** Pushed with the tokenizer switched to RCDATA, RAWTEXT or script data: any end tag closes it. */
  textMode: boolean;
  recorded: Recorded | undefined;
}

function lightElement(tagName: string, attrs: Token.Attribute[]): Element {
  return { nodeName: tagName, tagName, attrs, namespaceURI: HTML_NS, childNodes: [], parentNode: null, sourceCodeLocation: undefined };
}

class TreeShadow implements TokenHandler {
  readonly found: StreamedElements = { all: [], byTag: new Map() };
  readonly #tags: ReadonlySet<string>;
  readonly #tokenizer: TextSkippingTokenizer;
  readonly #stack: Open[] = [];
  /** Recorded elements that are open, innermost last: text goes to each. */
  readonly #recordedOpen: Recorded[] = [];
  /** Every recorded element that can hold text. */
  readonly #recordedText: Recorded[] = [];
  #html: Recorded | undefined;
  #textExcluded = 0;
  #skipNewline = false;
  #formOpen = false;
  /** Non-space text here would be foster-parented out of a table. */
  #textFosterParented = false;
  /** Some recorded element is open and no script or style is: text is kept. */
  #collectingText = false;

  constructor(tags: ReadonlySet<string>) {
    this.#tags = tags;
    this.#tokenizer = new TextSkippingTokenizer({ sourceCodeLocationInfo: false }, this);
    if (tags.has('html')) this.#html = this.#record('html', []);
    this.#stack.push(this.#entry($.HTML, 'html', true, undefined), this.#entry($.BODY, 'body', true, undefined));
  }

  run(source: string): void {
    this.#tokenizer.write(source, true);
    for (const recorded of this.#recordedText) {
      if (recorded.text !== '') recorded.element.childNodes.push({ nodeName: '#text', value: recorded.text, parentNode: recorded.element });
    }
  }

  // Token handler: the tokenizer calls these synchronously, so a tokenizer state set here applies to the next input.

  onStartTag(token: Token.TagToken): void {
    this.#skipNewline = false;
    const current = this.#current();
    if (!current.html) this.#startInForeignContent(token);
    else if (TABLE_CONTEXT.has(current.id)) this.#startInTable(token);
    else if (current.id === $.COLGROUP) this.#startInColumnGroup(token);
    else if (TABLE_STRUCTURE_START.has(token.tagID)) this.#startTableStructureInBody(token);
    else this.#startInBody(token);
  }

  onEndTag(token: Token.TagToken): void {
    this.#skipNewline = false;
    const current = this.#current();
    if (current.textMode) this.#pop();
    else if (!current.html) this.#endInForeignContent(token, current);
    else if (TABLE_CONTEXT.has(current.id)) this.#endInTable(token);
    else if (current.id === $.COLGROUP) this.#endInColumnGroup(token);
    else if (CELL_OR_CAPTION_END.has(token.tagID)) this.#endTableStructureInBody(token);
    else this.#endInBody(token);
  }

  onCharacter(token: Token.CharacterToken): void {
    this.#skipNewline = false;
    if (this.#textFosterParented) throw BAIL;
    if (this.#collectingText) this.#appendText(token.chars);
  }

  onWhitespaceCharacter(token: Token.CharacterToken): void {
    let chars = token.chars;
    if (this.#skipNewline) {
      this.#skipNewline = false;
      // A newline right after <pre>, <listing> or <textarea> is dropped.
      if (chars.charCodeAt(0) === 0x0a) chars = chars.slice(1);
    }
    if (this.#collectingText) this.#appendText(chars);
  }

  onNullCharacter(): void {
    this.#skipNewline = false;
    // Ignored in HTML content; replaced by U+FFFD in foreign content, which is not modelled.
    if (!this.#current().html) throw BAIL;
  }

  onComment(): void {
    this.#skipNewline = false;
  }

  onDoctype(): void {
    this.#skipNewline = false;
  }

  onEof(): void {}

  // Start tags

  #startInBody(token: Token.TagToken): void {
    const id = token.tagID;
    if (NOT_MODELLED.has(id)) throw BAIL;
    if (FORMATTING.has(id)) {
      // A second <a> (or <nobr>) before the first is closed runs the adoption agency.
      if (id === $.A && this.#hasOpenAnchor()) throw BAIL;
      if (id === $.NOBR && this.#inScope($.NOBR, SCOPE_BOUNDARIES)) throw BAIL;
      this.#push(token);
    } else if (HEADINGS.has(id)) {
      this.#closeParagraph();
      if (HEADINGS.has(this.#current().id)) this.#pop();
      this.#push(token);
    } else if (CLOSES_P.has(id)) {
      this.#closeParagraph();
      this.#push(token);
    } else if (id === $.LI || id === $.DD || id === $.DT) {
      this.#closeListItem(id === $.LI ? [$.LI] : [$.DD, $.DT]);
      this.#closeParagraph();
      this.#push(token);
    } else if (VOID.has(id)) {
      this.#void(token.tagName, token.attrs);
    } else if (id === $.IMAGE) {
      this.#void('img', token.attrs);
    } else if (id === $.HR) {
      this.#closeParagraph();
      this.#void(token.tagName, token.attrs);
    } else if (id === $.PRE || id === $.LISTING) {
      this.#closeParagraph();
      this.#push(token);
      this.#skipNewline = true;
    } else if (id === $.XMP) {
      this.#closeParagraph();
      this.#pushText(token, TokenizerMode.RAWTEXT);
    } else if (id === $.TEXTAREA) {
      this.#pushText(token, TokenizerMode.RCDATA);
      this.#skipNewline = true;
    } else if (id === $.TITLE) {
      this.#pushText(token, TokenizerMode.RCDATA);
    } else if (id === $.SCRIPT) {
      this.#pushText(token, TokenizerMode.SCRIPT_DATA);
    } else if (RAWTEXT_IN_BODY.has(id)) {
      this.#pushText(token, TokenizerMode.RAWTEXT);
    } else if (id === $.SVG || id === $.MATH) {
      if (!token.selfClosing) this.#pushForeign(token);
    } else if (id === $.HTML) {
      this.#mergeHtmlAttributes(token.attrs);
    } else if (id === $.FORM) {
      if (this.#formOpen) return; // a nested form is ignored
      this.#closeParagraph();
      this.#push(token);
      this.#formOpen = true;
    } else if (id === $.TABLE) {
      // Whether <table> closes an open <p> depends on quirks mode, which the shadow does not track.
      if (this.#inScope($.P, BUTTON_SCOPE_BOUNDARIES)) throw BAIL;
      this.#push(token);
    } else if (id === $.BUTTON) {
      if (this.#inScope($.BUTTON, SCOPE_BOUNDARIES)) this.#popThrough(this.#topmost($.BUTTON));
      this.#push(token);
    } else if (id === $.OPTION || id === $.OPTGROUP) {
      if (this.#current().id === $.OPTION) this.#pop();
      this.#push(token);
    } else if (IGNORED_IN_BODY.has(id)) {
      // Parse error; the tree builder ignores the tag.
    } else {
      this.#push(token);
    }
  }

  /** A table structure tag (caption, col, tr, td, ...) where the current node is not a table, section or row. */
  #startTableStructureInBody(token: Token.TagToken): void {
    const context = this.#tableContext();
    if (context === undefined) return; // outside tables the tree builder ignores them
    // In a cell or caption they close it, then apply to the table around it.
    this.#popThrough(context);
    this.#startInTable(token);
  }

  #startInTable(token: Token.TagToken): void {
    const id = token.tagID;
    if (id === $.CAPTION || id === $.COLGROUP || TABLE_SECTIONS.has(id)) {
      this.#clearToTable();
      this.#push(token);
    } else if (id === $.COL) {
      this.#clearToTable();
      this.#pushImplied($.COLGROUP, 'colgroup');
      this.#void(token.tagName, token.attrs);
    } else if (id === $.TR) {
      const current = this.#current().id;
      if (current === $.TR) this.#pop();
      else if (current === $.TABLE) this.#pushImplied($.TBODY, 'tbody');
      this.#push(token);
    } else if (id === $.TD || id === $.TH) {
      if (this.#current().id === $.TABLE) this.#pushImplied($.TBODY, 'tbody');
      if (TABLE_SECTIONS.has(this.#current().id)) this.#pushImplied($.TR, 'tr');
      this.#push(token);
    } else if (id === $.STYLE) {
      this.#pushText(token, TokenizerMode.RAWTEXT);
    } else if (id === $.SCRIPT) {
      this.#pushText(token, TokenizerMode.SCRIPT_DATA);
    } else {
      throw BAIL; // foster-parented, or a table in a table
    }
  }

  #startInColumnGroup(token: Token.TagToken): void {
    if (token.tagID === $.COL) this.#void(token.tagName, token.attrs);
    else if (token.tagID === $.HTML) this.#mergeHtmlAttributes(token.attrs);
    else {
      this.#pop();
      this.#startInTable(token);
    }
  }

  #startInForeignContent(token: Token.TagToken): void {
    // Breakout tags, tags the caller records and integration points are not modelled in foreign content.
    if (foreignContent.causesExit(token) || this.#tags.has(token.tagName) || INTEGRATION_POINTS.has(token.tagName)) throw BAIL;
    if (!token.selfClosing) this.#pushForeign(token);
  }

  // End tags

  #endInBody(token: Token.TagToken): void {
    const id = token.tagID;
    if (FORMATTING.has(id)) this.#endFormatting(token);
    else if (CLOSED_BY_END_TAG.has(id)) {
      if (this.#inScope(id, SCOPE_BOUNDARIES)) this.#popThrough(this.#topmost(id));
    } else if (id === $.P) {
      // Without an open <p>, the tree builder adds an empty one: no text, and not a recorded tag.
      if (this.#inScope($.P, BUTTON_SCOPE_BOUNDARIES)) this.#popThrough(this.#topmost($.P));
    } else if (id === $.LI) {
      if (this.#inScope($.LI, LIST_ITEM_SCOPE_BOUNDARIES)) this.#popThrough(this.#topmost($.LI));
    } else if (HEADINGS.has(id)) {
      const index = this.#topmostHeadingInScope();
      if (index !== -1) this.#popThrough(index);
    } else if (id === $.FORM) this.#endForm();
    else if (id === $.BR) this.#void('br', []);
    else if (id === $.TEMPLATE || id === $.BODY || id === $.HTML) {
      // No <template> is ever open here; </body> and </html> only switch insertion modes.
    } else this.#endOther(token);
  }

  /** End tags of formatting elements: the adoption agency, which is a plain pop when the element is the current node. */
  #endFormatting(token: Token.TagToken): void {
    const current = this.#current();
    if (current.html && current.id === token.tagID) {
      this.#pop();
      return;
    }
    for (let index = this.#stack.length - 1; index > 0; index--) {
      const open = this.#stack[index] as Open;
      if (open.html && MARKERS.has(open.id)) break;
      if (open.html && open.id === token.tagID) throw BAIL; // misnested: the adoption agency moves nodes
    }
    this.#endOther(token);
  }

  /** "Any other end tag": closes the nearest open element of that name unless a special element comes first. */
  #endOther(token: Token.TagToken): void {
    for (let index = this.#stack.length - 1; index > 0; index--) {
      const open = this.#stack[index] as Open;
      if (open.html && open.id === token.tagID && open.name === token.tagName) {
        this.#popThrough(index);
        return;
      }
      if (open.html && SPECIAL.has(open.id)) return;
    }
  }

  #endForm(): void {
    const wasOpen = this.#formOpen;
    this.#formOpen = false;
    if (!wasOpen || !this.#inScope($.FORM, SCOPE_BOUNDARIES)) return;
    while (IMPLIED_END.has(this.#current().id)) this.#pop();
    // The form is removed from the stack even when it is not the current node; the shadow only models the plain case.
    if (this.#current().id !== $.FORM) throw BAIL;
    this.#pop();
  }

  /** Table end tags (and </body>, </html>) where the current node is not a table, section or row. */
  #endTableStructureInBody(token: Token.TagToken): void {
    const id = token.tagID;
    const contextIndex = this.#tableContext();
    const context = contextIndex === undefined ? undefined : (this.#stack[contextIndex] as Open).id;
    if (context === $.TD || context === $.TH) {
      if (id === $.TD || id === $.TH) {
        if (this.#inScope(id, TABLE_SCOPE_BOUNDARIES)) this.#popThrough(this.#topmost(id));
      } else if (id === $.TABLE || TABLE_SECTIONS.has(id) || id === $.TR) {
        if (this.#inScope(id, TABLE_SCOPE_BOUNDARIES)) {
          this.#popThrough(contextIndex as number);
          this.#endInTable(token);
        }
      }
      return;
    }
    if (context === $.CAPTION) {
      if (id === $.CAPTION || id === $.TABLE) {
        this.#popThrough(contextIndex as number);
        if (id === $.TABLE) this.#endInTable(token);
      }
      return;
    }
    this.#endInBody(token);
  }

  #endInTable(token: Token.TagToken): void {
    const id = token.tagID;
    if (id === $.TABLE || id === $.TR || TABLE_SECTIONS.has(id)) {
      if (this.#inScope(id, TABLE_SCOPE_BOUNDARIES)) this.#popThrough(this.#topmost(id));
    } else if (id === $.BODY || id === $.CAPTION || id === $.COL || id === $.COLGROUP || id === $.HTML || id === $.TD || id === $.TH) {
      // Parse error; ignored.
    } else {
      throw BAIL; // processed with foster parenting
    }
  }

  #endInColumnGroup(token: Token.TagToken): void {
    if (token.tagID === $.COLGROUP) this.#pop();
    else if (token.tagID === $.COL) return;
    else {
      this.#pop();
      if (!TABLE_CONTEXT.has(this.#current().id)) throw BAIL;
      this.#endInTable(token);
    }
  }

  #endInForeignContent(token: Token.TagToken, current: Open): void {
    if (token.tagID === $.P || token.tagID === $.BR || current.name !== token.tagName) throw BAIL;
    this.#pop();
  }

  // The stack

  #current(): Open {
    return this.#stack[this.#stack.length - 1] as Open;
  }

  #entry(id: TagId, name: string, isHtml: boolean, recorded: Recorded | undefined): Open {
    return { id, name, html: isHtml, textMode: false, recorded };
  }

  #push(token: Token.TagToken): Open {
    const recorded = this.#tags.has(token.tagName) ? this.#record(token.tagName, token.attrs) : undefined;
    const open = this.#entry(token.tagID, token.tagName, true, recorded);
    this.#stack.push(open);
    if (recorded) {
      this.#recordedOpen.push(recorded);
      this.#recordedText.push(recorded);
    }
    if (TEXT_EXCLUDED.has(token.tagName)) this.#textExcluded++;
    this.#stackChanged();
    return open;
  }

  #pushText(token: Token.TagToken, mode: (typeof TokenizerMode)[keyof typeof TokenizerMode]): void {
    this.#push(token).textMode = true;
    this.#tokenizer.state = mode;
  }

  #pushImplied(id: TagId, name: string): void {
    this.#stack.push(this.#entry(id, name, true, undefined));
    this.#stackChanged();
  }

  #pushForeign(token: Token.TagToken): void {
    this.#stack.push(this.#entry(token.tagID, token.tagName, false, undefined));
    if (TEXT_EXCLUDED.has(token.tagName)) this.#textExcluded++;
    this.#stackChanged();
  }

  #void(tagName: string, attrs: Token.Attribute[]): void {
    if (this.#tags.has(tagName)) this.#record(tagName, attrs);
  }

  #pop(): void {
    const open = this.#stack.pop() as Open;
    if (open.recorded) this.#recordedOpen.pop();
    if (TEXT_EXCLUDED.has(open.name)) this.#textExcluded--;
    this.#stackChanged();
  }

  /**
   * Pops every element above `index` and the element at `index`, as the tree builder does when it closes an element
   * that is not the current node. A formatting element closed that way would be reconstructed (cloned) later, unless a
   * cell, caption or other marker closed with it takes it off the list of active formatting elements.
   */
  #popThrough(index: number): void {
    let lowestMarker = Infinity;
    for (let at = index; at < this.#stack.length; at++) {
      const open = this.#stack[at] as Open;
      if (open.html && MARKERS.has(open.id)) {
        lowestMarker = at;
        break;
      }
    }
    for (let at = index + 1; at < Math.min(lowestMarker, this.#stack.length); at++) {
      const open = this.#stack[at] as Open;
      if (open.html && FORMATTING.has(open.id)) throw BAIL;
    }
    while (this.#stack.length > index) this.#pop();
  }

  #clearToTable(): void {
    while (TABLE_SECTIONS.has(this.#current().id) || this.#current().id === $.TR) this.#pop();
    if (this.#current().id !== $.TABLE) throw BAIL;
  }

  #closeParagraph(): void {
    if (this.#inScope($.P, BUTTON_SCOPE_BOUNDARIES)) this.#popThrough(this.#topmost($.P));
  }

  /** Before <li>, <dd> or <dt>: closes the open list item of that kind, unless a special element other than address, div or p comes first. */
  #closeListItem(kinds: TagId[]): void {
    for (let index = this.#stack.length - 1; index > 0; index--) {
      const open = this.#stack[index] as Open;
      if (open.html && kinds.includes(open.id)) {
        this.#popThrough(index);
        return;
      }
      if (open.html && SPECIAL.has(open.id) && open.id !== $.ADDRESS && open.id !== $.DIV && open.id !== $.P) return;
    }
  }

  #inScope(id: TagId, boundaries: ReadonlySet<TagId>): boolean {
    for (let index = this.#stack.length - 1; index >= 0; index--) {
      const open = this.#stack[index] as Open;
      if (open.html && open.id === id) return true;
      if (open.html && boundaries.has(open.id)) return false;
    }
    return false;
  }

  #topmost(id: TagId): number {
    for (let index = this.#stack.length - 1; index >= 0; index--) {
      const open = this.#stack[index] as Open;
      if (open.html && open.id === id) return index;
    }
    return -1;
  }

  #topmostHeadingInScope(): number {
    for (let index = this.#stack.length - 1; index >= 0; index--) {
      const open = this.#stack[index] as Open;
      if (open.html && HEADINGS.has(open.id)) return index;
      if (open.html && SCOPE_BOUNDARIES.has(open.id)) return -1;
    }
    return -1;
  }

  /** An <a> on the list of active formatting elements: open, and after the last marker. */
  #hasOpenAnchor(): boolean {
    for (let index = this.#stack.length - 1; index > 0; index--) {
      const open = this.#stack[index] as Open;
      if (!open.html) continue;
      if (open.id === $.A) return true;
      if (MARKERS.has(open.id)) return false;
    }
    return false;
  }

  /** The index of the innermost open cell, caption or table, or `undefined` outside tables. */
  #tableContext(): number | undefined {
    for (let index = this.#stack.length - 1; index > 0; index--) {
      const open = this.#stack[index] as Open;
      if (!open.html) throw BAIL;
      if (open.id === $.TD || open.id === $.TH || open.id === $.CAPTION) return index;
      if (open.id === $.TABLE) throw BAIL; // only foster parenting puts other elements right in a table
    }
    return undefined;
  }

  // Recording

  #record(tagName: string, attrs: Token.Attribute[]): Recorded {
    const recorded = { element: lightElement(tagName, attrs), text: '' };
    this.found.all.push(recorded.element);
    const list = this.found.byTag.get(tagName);
    if (list) list.push(recorded.element);
    else this.found.byTag.set(tagName, [recorded.element]);
    return recorded;
  }

  #mergeHtmlAttributes(attrs: Token.Attribute[]): void {
    const element = this.#html?.element;
    if (!element) return;
    for (const attr of attrs) if (!element.attrs.some((existing) => existing.name === attr.name)) element.attrs.push(attr);
  }

  #appendText(chars: string): void {
    for (const recorded of this.#recordedOpen) recorded.text += chars;
  }

  /** Keeps the per-character-token checks to two field reads; called whenever the stack changes. */
  #stackChanged(): void {
    const current = this.#current();
    this.#textFosterParented = current.html && (TABLE_CONTEXT.has(current.id) || current.id === $.COLGROUP);
    this.#collectingText = this.#recordedOpen.length > 0 && this.#textExcluded === 0;
    this.#tokenizer.inForeignNode = !current.html;
    this.#tokenizer.skipText = !this.#collectingText && !this.#textFosterParented;
  }
}

/**
 * Finds the elements named in `tags` (a subset of {@link STREAMABLE_TAGS}) with parse5's tokenizer, simulating just
 * enough of tree construction to know which text belongs to which element. Returns `null` whenever the page has
 * structure the simulation does not model exactly (misnested formatting elements, content foster-parented out of
 * tables, `<template>`, `<select>`, integration points in SVG or MathML, ...); the caller then builds the
 * full tree. When it returns elements, they equal the tree's: same order, tag names, attributes and text content.
 */
export function streamElements(source: string, tags: ReadonlySet<string>): StreamedElements | null {
  for (const tag of tags) if (!STREAMABLE_TAGS.has(tag)) throw new RangeError(`Expected a streamable tag name, got ${tag}`);
  const shadow = new TreeShadow(tags);
  try {
    shadow.run(source);
  } catch (error) {
    if (error === BAIL) return null;
    throw error;
  }
  return shadow.found;
}
