import { foreignContent, html, TokenizerMode } from 'parse5';
import type { Token, TokenHandler } from 'parse5';
import { BAIL, BUTTON_SCOPE_BOUNDARIES, CELL_OR_CAPTION_END, CLOSED_BY_END_TAG, CLOSES_P, FORMATTING, HEADINGS, IGNORED_IN_BODY, IMPLIED_END, INTEGRATION_POINTS, LIST_ITEM_SCOPE_BOUNDARIES, NOT_MODELLED, OpenElements, RAWTEXT_IN_BODY, SCOPE_BOUNDARIES, SPECIAL, TABLE_CONTEXT, TABLE_SCOPE_BOUNDARIES, TABLE_SECTIONS, TABLE_STRUCTURE_START, TEXT_EXCLUDED, VOID } from './open-elements.js';
import type { Open, Recorded, TagId } from './open-elements.js';
import { ElementRecorder } from './element-recorder.js';
import type { StreamedElements } from './element-recorder.js';
import { FastTokenizer } from './fast-tokenizer.js';
import type { FastTokenHandler } from './fast-tokenizer.js';
import { SkimmingTokenizer } from './skimming-tokenizer.js';

// The streaming pass: a tokenizer (fast-tokenizer.ts, or parse5's skimming one for the pages that one hands back)
// with a shadow of tree construction that is exact on ordinary markup and gives up ("bails") on everything else, so
// that callers fall back to the full tree and results never differ. What the shadow must get right is which text
// belongs to which recorded element and the elements' document order. Both follow token order as long as the tree
// builder never moves, clones or re-parents anything, which it does only in the adoption agency (misnested formatting
// elements), when it reconstructs formatting elements that were closed implicitly, and when it foster-parents content
// out of tables. The shadow bails before any of these can happen, and on constructs it does not model (<template>,
// <select>, <frameset>, <plaintext>, ruby, integration points and NULs in SVG and MathML).

const $ = html.TAG_ID;

/** The shadow of tree construction for one page (see above); streamed-elements.ts runs it. */
export class TreeShadow implements TokenHandler, FastTokenHandler {
  readonly #recorder: ElementRecorder;
  readonly #tokenizer: SkimmingTokenizer | FastTokenizer;
  readonly #open = new OpenElements();
  #textExcluded = 0;
  #skipNewline = false;
  #formOpen = false;
  /** Non-space text here would be foster-parented out of a table. */
  #textFosterParented = false;
  /** Some recorded element is open and no script or style is: text is kept. */
  #collectingText = false;

  /**
   * `binary`: the input will be a binary string (see binary-utf8.ts), whose kept text is decoded. `fast`: tokenize
   * with fast-tokenizer.ts, which may throw UNHANDLED; otherwise with parse5's, skimming.
   */
  constructor(tags: ReadonlySet<string>, binary: boolean, fast: boolean) {
    this.#recorder = new ElementRecorder(tags, binary);
    if (fast) {
      // The shadow reads the attributes of recorded tags, of <html> (merged) and of <font> (which can leave SVG).
      this.#tokenizer = new FastTokenizer(this, binary, (tagName) => tagName === 'html' || tagName === 'font' || tags.has(tagName));
    } else {
      this.#tokenizer = new SkimmingTokenizer({ sourceCodeLocationInfo: false }, this);
      this.#tokenizer.binary = binary;
    }
    this.#open.items.push(this.#entry($.HTML, 'html', true, undefined), this.#entry($.BODY, 'body', true, undefined));
  }

  run(source: string): StreamedElements {
    if (this.#tokenizer instanceof FastTokenizer) this.#tokenizer.run(source);
    else this.#tokenizer.write(source, true);
    return this.#recorder.finish();
  }

  // Token handler: the tokenizer calls these synchronously, so a tokenizer state set here applies to the next input.

  onStartTag(token: Token.TagToken): void {
    this.#skipNewline = false;
    const current = this.#open.current;
    if (!current.html) this.#startInForeignContent(token);
    else if (TABLE_CONTEXT.has(current.id)) this.#startInTable(token);
    else if (current.id === $.COLGROUP) this.#startInColumnGroup(token);
    else if (TABLE_STRUCTURE_START.has(token.tagID)) this.#startTableStructureInBody(token);
    else this.#startInBody(token);
  }

  onEndTag(token: Token.TagToken): void {
    this.#skipNewline = false;
    const current = this.#open.current;
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
    if (this.#collectingText) this.#recorder.appendText(token.chars);
  }

  onWhitespaceCharacter(token: Token.CharacterToken): void {
    let chars = token.chars;
    if (this.#skipNewline) {
      this.#skipNewline = false;
      // A newline right after <pre>, <listing> or <textarea> is dropped.
      if (chars.charCodeAt(0) === 0x0a) chars = chars.slice(1);
    }
    if (this.#collectingText) this.#recorder.appendText(chars);
  }

  /** A run of text from the fast tokenizer: the same as the whitespace and character tokens parse5 would make of it. */
  onText(chars: string): void {
    if (this.#skipNewline) {
      this.#skipNewline = false;
      if (chars.charCodeAt(0) === 0x0a) chars = chars.slice(1);
    }
    if (this.#textFosterParented && NOT_WHITESPACE.test(chars)) throw BAIL;
    if (this.#collectingText) this.#recorder.appendText(chars);
  }

  onNullCharacter(): void {
    this.#skipNewline = false;
    // Ignored in HTML content; replaced by U+FFFD in foreign content, which is not modelled.
    if (!this.#open.current.html) throw BAIL;
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
      if (id === $.A && this.#open.hasActiveFormatting($.A)) throw BAIL;
      if (id === $.NOBR && this.#open.inScope($.NOBR, SCOPE_BOUNDARIES)) throw BAIL;
      this.#push(token);
    } else if (HEADINGS.has(id)) {
      this.#closeParagraph();
      if (HEADINGS.has(this.#open.current.id)) this.#pop();
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
      this.#recorder.mergeHtmlAttributes(token.attrs);
    } else if (id === $.FORM) {
      if (this.#formOpen) return; // a nested form is ignored
      this.#closeParagraph();
      this.#push(token);
      this.#formOpen = true;
    } else if (id === $.TABLE) {
      // Whether <table> closes an open <p> depends on quirks mode, which the shadow does not track.
      if (this.#open.inScope($.P, BUTTON_SCOPE_BOUNDARIES)) throw BAIL;
      this.#push(token);
    } else if (id === $.BUTTON) {
      if (this.#open.inScope($.BUTTON, SCOPE_BOUNDARIES)) this.#popThrough(this.#open.topmost($.BUTTON));
      this.#push(token);
    } else if (id === $.OPTION || id === $.OPTGROUP) {
      if (this.#open.current.id === $.OPTION) this.#pop();
      this.#push(token);
    } else if (IGNORED_IN_BODY.has(id)) {
      // Parse error; the tree builder ignores the tag.
    } else {
      this.#push(token);
    }
  }

  /** A table structure tag (caption, col, tr, td, ...) where the current node is not a table, section or row. */
  #startTableStructureInBody(token: Token.TagToken): void {
    const context = this.#open.tableContext();
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
      const current = this.#open.current.id;
      if (current === $.TR) this.#pop();
      else if (current === $.TABLE) this.#pushImplied($.TBODY, 'tbody');
      this.#push(token);
    } else if (id === $.TD || id === $.TH) {
      if (this.#open.current.id === $.TABLE) this.#pushImplied($.TBODY, 'tbody');
      if (TABLE_SECTIONS.has(this.#open.current.id)) this.#pushImplied($.TR, 'tr');
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
    else if (token.tagID === $.HTML) this.#recorder.mergeHtmlAttributes(token.attrs);
    else {
      this.#pop();
      this.#startInTable(token);
    }
  }

  #startInForeignContent(token: Token.TagToken): void {
    // Breakout tags, tags the caller records and integration points are not modelled in foreign content.
    if (foreignContent.causesExit(token) || this.#recorder.records(token.tagName) || INTEGRATION_POINTS.has(token.tagName)) throw BAIL;
    if (!token.selfClosing) this.#pushForeign(token);
  }

  // End tags

  #endInBody(token: Token.TagToken): void {
    const id = token.tagID;
    if (FORMATTING.has(id)) this.#endFormatting(token);
    else if (CLOSED_BY_END_TAG.has(id)) {
      if (this.#open.inScope(id, SCOPE_BOUNDARIES)) this.#popThrough(this.#open.topmost(id));
    } else if (id === $.P) {
      // Without an open <p>, the tree builder adds an empty one: no text, and not a recorded tag.
      if (this.#open.inScope($.P, BUTTON_SCOPE_BOUNDARIES)) this.#popThrough(this.#open.topmost($.P));
    } else if (id === $.LI) {
      if (this.#open.inScope($.LI, LIST_ITEM_SCOPE_BOUNDARIES)) this.#popThrough(this.#open.topmost($.LI));
    } else if (HEADINGS.has(id)) {
      const index = this.#open.topmostHeadingInScope();
      if (index !== -1) this.#popThrough(index);
    } else if (id === $.FORM) this.#endForm();
    else if (id === $.BR) this.#void('br', []);
    else if (id === $.TEMPLATE || id === $.BODY || id === $.HTML) {
      // No <template> is ever open here; </body> and </html> only switch insertion modes.
    } else this.#endOther(token);
  }

  /** End tags of formatting elements: the adoption agency, which is a plain pop when the element is the current node. */
  #endFormatting(token: Token.TagToken): void {
    const current = this.#open.current;
    if (current.html && current.id === token.tagID) {
      this.#pop();
      return;
    }
    if (this.#open.hasActiveFormatting(token.tagID)) throw BAIL; // misnested: the adoption agency moves nodes
    this.#endOther(token);
  }

  /** "Any other end tag": closes the nearest open element of that name unless a special element comes first. */
  #endOther(token: Token.TagToken): void {
    for (let index = this.#open.items.length - 1; index > 0; index--) {
      const open = this.#open.items[index] as Open;
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
    if (!wasOpen || !this.#open.inScope($.FORM, SCOPE_BOUNDARIES)) return;
    while (IMPLIED_END.has(this.#open.current.id)) this.#pop();
    // The form is removed from the stack even when it is not the current node; the shadow only models the plain case.
    if (this.#open.current.id !== $.FORM) throw BAIL;
    this.#pop();
  }

  /** Table end tags (and </body>, </html>) where the current node is not a table, section or row. */
  #endTableStructureInBody(token: Token.TagToken): void {
    const id = token.tagID;
    const contextIndex = this.#open.tableContext();
    const context = contextIndex === undefined ? undefined : (this.#open.items[contextIndex] as Open).id;
    if (context === $.TD || context === $.TH) {
      if (id === $.TD || id === $.TH) {
        if (this.#open.inScope(id, TABLE_SCOPE_BOUNDARIES)) this.#popThrough(this.#open.topmost(id));
      } else if (id === $.TABLE || TABLE_SECTIONS.has(id) || id === $.TR) {
        if (this.#open.inScope(id, TABLE_SCOPE_BOUNDARIES)) {
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
      if (this.#open.inScope(id, TABLE_SCOPE_BOUNDARIES)) this.#popThrough(this.#open.topmost(id));
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
      if (!TABLE_CONTEXT.has(this.#open.current.id)) throw BAIL;
      this.#endInTable(token);
    }
  }

  #endInForeignContent(token: Token.TagToken, current: Open): void {
    if (token.tagID === $.P || token.tagID === $.BR || current.name !== token.tagName) throw BAIL;
    this.#pop();
  }

  // The stack

  #entry(id: TagId, name: string, isHtml: boolean, recorded: Recorded | undefined): Open {
    return { id, name, html: isHtml, textMode: false, recorded };
  }

  #push(token: Token.TagToken): Open {
    const open = this.#entry(token.tagID, token.tagName, true, this.#recorder.open(token.tagName, token.attrs));
    this.#open.items.push(open);
    if (TEXT_EXCLUDED.has(token.tagName)) this.#textExcluded++;
    this.#stackChanged();
    return open;
  }

  #pushText(token: Token.TagToken, mode: (typeof TokenizerMode)[keyof typeof TokenizerMode]): void {
    this.#push(token).textMode = true;
    this.#tokenizer.state = mode;
  }

  #pushImplied(id: TagId, name: string): void {
    this.#open.items.push(this.#entry(id, name, true, undefined));
    this.#stackChanged();
  }

  #pushForeign(token: Token.TagToken): void {
    this.#open.items.push(this.#entry(token.tagID, token.tagName, false, undefined));
    if (TEXT_EXCLUDED.has(token.tagName)) this.#textExcluded++;
    this.#stackChanged();
  }

  #void(tagName: string, attrs: Token.Attribute[]): void {
    this.#recorder.addVoid(tagName, attrs);
  }

  #pop(): void {
    const open = this.#open.items.pop() as Open;
    if (open.recorded) this.#recorder.close();
    if (TEXT_EXCLUDED.has(open.name)) this.#textExcluded--;
    this.#stackChanged();
  }

  /**
   * Pops every element above `index` and the element at `index`, as the tree builder does when it closes an element
   * that is not the current node; bails when that would close a formatting element the tree builder later clones.
   */
  #popThrough(index: number): void {
    if (this.#open.closesFormattingElement(index)) throw BAIL;
    while (this.#open.items.length > index) this.#pop();
  }

  #clearToTable(): void {
    while (TABLE_SECTIONS.has(this.#open.current.id) || this.#open.current.id === $.TR) this.#pop();
    if (this.#open.current.id !== $.TABLE) throw BAIL;
  }

  #closeParagraph(): void {
    if (this.#open.inScope($.P, BUTTON_SCOPE_BOUNDARIES)) this.#popThrough(this.#open.topmost($.P));
  }

  /** Before <li>, <dd> or <dt>: closes the open list item of that kind, unless a special element other than address, div or p comes first. */
  #closeListItem(kinds: TagId[]): void {
    for (let index = this.#open.items.length - 1; index > 0; index--) {
      const open = this.#open.items[index] as Open;
      if (open.html && kinds.includes(open.id)) {
        this.#popThrough(index);
        return;
      }
      if (open.html && SPECIAL.has(open.id) && open.id !== $.ADDRESS && open.id !== $.DIV && open.id !== $.P) return;
    }
  }

  /** Keeps the per-character-token checks to two field reads; called whenever the stack changes. */
  #stackChanged(): void {
    const current = this.#open.current;
    this.#textFosterParented = current.html && (TABLE_CONTEXT.has(current.id) || current.id === $.COLGROUP);
    this.#collectingText = this.#recorder.hasOpen && this.#textExcluded === 0;
    this.#tokenizer.inForeignNode = !current.html;
    this.#tokenizer.skipText = !this.#collectingText && !this.#textFosterParented;
  }
}

const NOT_WHITESPACE = /[^\t\n\f ]/;
