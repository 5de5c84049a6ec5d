import { html } from 'parse5';
import type { Element } from './dom.js';

// For the streaming pass (tree-shadow.ts): the classes of tags HTML tree construction treats alike, by parse5 tag
// id, and the shadow's stack of open elements with the scope questions the tree builder asks of it.

const $ = html.TAG_ID;
export type TagId = html.TAG_ID;
const HTML_NS = html.NS.HTML;

export const FORMATTING = new Set<TagId>([$.A, $.B, $.BIG, $.CODE, $.EM, $.FONT, $.I, $.NOBR, $.S, $.SMALL, $.STRIKE, $.STRONG, $.TT, $.U]);
// Elements after which the list of active formatting elements holds a marker.
const MARKERS = new Set<TagId>([$.APPLET, $.OBJECT, $.MARQUEE, $.TD, $.TH, $.CAPTION, $.TEMPLATE]);
export const SCOPE_BOUNDARIES = new Set<TagId>([$.APPLET, $.CAPTION, $.HTML, $.MARQUEE, $.OBJECT, $.TABLE, $.TD, $.TEMPLATE, $.TH]);
export const LIST_ITEM_SCOPE_BOUNDARIES = new Set<TagId>([...SCOPE_BOUNDARIES, $.OL, $.UL]);
export const BUTTON_SCOPE_BOUNDARIES = new Set<TagId>([...SCOPE_BOUNDARIES, $.BUTTON]);
export const TABLE_SCOPE_BOUNDARIES = new Set<TagId>([$.HTML, $.TABLE, $.TEMPLATE]);
export const SPECIAL = html.SPECIAL_ELEMENTS[HTML_NS];
export const HEADINGS = html.NUMBERED_HEADERS;
export const IMPLIED_END = new Set<TagId>([$.DD, $.DT, $.LI, $.OPTGROUP, $.OPTION, $.P, $.RB, $.RP, $.RT, $.RTC]);
export const CLOSES_P = new Set<TagId>([
  $.ADDRESS, $.ARTICLE, $.ASIDE, $.BLOCKQUOTE, $.CENTER, $.DETAILS, $.DIALOG, $.DIR, $.DIV, $.DL, $.FIELDSET,
  $.FIGCAPTION, $.FIGURE, $.FOOTER, $.HEADER, $.HGROUP, $.MAIN, $.MENU, $.NAV, $.OL, $.P, $.SEARCH, $.SECTION, $.SUMMARY, $.UL,
]);
// End tags that close the element of the same name when it is in scope ("generate implied end tags, pop until").
export const CLOSED_BY_END_TAG = new Set<TagId>([...CLOSES_P, $.BUTTON, $.LISTING, $.PRE, $.DD, $.DT, $.APPLET, $.MARQUEE, $.OBJECT]);
CLOSED_BY_END_TAG.delete($.P);
export const VOID = new Set<TagId>([
  $.AREA, $.BR, $.EMBED, $.IMG, $.KEYGEN, $.WBR, $.INPUT, $.PARAM, $.SOURCE, $.TRACK, $.BASE, $.BASEFONT, $.BGSOUND, $.LINK, $.META,
]);
export const RAWTEXT_IN_BODY = new Set<TagId>([$.STYLE, $.NOFRAMES, $.IFRAME, $.NOEMBED, $.NOSCRIPT]);
export const IGNORED_IN_BODY = new Set<TagId>([$.COL, $.TH, $.TD, $.TR, $.HEAD, $.FRAME, $.TBODY, $.TFOOT, $.THEAD, $.CAPTION, $.COLGROUP, $.BODY]);
export const NOT_MODELLED = new Set<TagId>([$.TEMPLATE, $.SELECT, $.FRAMESET, $.PLAINTEXT, $.RB, $.RTC, $.RT, $.RP]);
// The current node is one of these: text and most tags would be foster-parented.
export const TABLE_CONTEXT = new Set<TagId>([$.TABLE, $.TBODY, $.THEAD, $.TFOOT, $.TR]);
export const TABLE_SECTIONS = new Set<TagId>([$.TBODY, $.THEAD, $.TFOOT]);
export const TABLE_STRUCTURE_START = new Set<TagId>([$.CAPTION, $.COL, $.COLGROUP, $.TBODY, $.TD, $.TFOOT, $.TH, $.THEAD, $.TR]);
export const CELL_OR_CAPTION_END = new Set<TagId>([$.TABLE, $.TBODY, $.TFOOT, $.THEAD, $.TR, $.TD, $.TH, $.CAPTION, $.COL, $.COLGROUP, $.BODY, $.HTML]);
// Foreign elements in which (or in whose children) HTML rules apply again, by lower-case tag name as tokenized.
export const INTEGRATION_POINTS = new Set(['foreignobject', 'desc', 'title', 'annotation-xml', 'mi', 'mo', 'mn', 'ms', 'mtext', 'mglyph', 'malignmark']);
// Text inside these is left out of textContent (dom.ts), in any namespace.
export const TEXT_EXCLUDED = new Set(['script', 'style']);

/** Thrown (one shared instance) when the page has structure the shadow does not model; `streamElements` catches it. */
export const BAIL = Symbol('bail');

/** An element being recorded, and its text so far. */
export interface Recorded {
  element: Element;
  text: string;
}

/** One entry of the shadow stack of open elements. */
export interface Open {
  id: TagId;
  name: string;
  /** HTML, or a foreign (SVG or MathML) element. */
  html: boolean;
  /** Pushed with the tokenizer switched to RCDATA, RAWTEXT or script data: any end tag closes it. */
  textMode: boolean;
  recorded: Recorded | undefined;
}

/**
 * The shadow's stack of open elements (the root `html` and an implied `body` first), and the questions tree
 * construction asks of it. The shadow pushes and pops; this only reads.
 */
export class OpenElements {
  readonly items: Open[] = [];

  /** The current node: the innermost open element. */
  get current(): Open {
    return this.items[this.items.length - 1] as Open;
  }

  inScope(id: TagId, boundaries: ReadonlySet<TagId>): boolean {
    for (let index = this.items.length - 1; index >= 0; index--) {
      const open = this.items[index] as Open;
      if (open.html && open.id === id) return true;
      if (open.html && boundaries.has(open.id)) return false;
    }
    return false;
  }

  topmost(id: TagId): number {
    for (let index = this.items.length - 1; index >= 0; index--) {
      const open = this.items[index] as Open;
      if (open.html && open.id === id) return index;
    }
    return -1;
  }

  topmostHeadingInScope(): number {
    for (let index = this.items.length - 1; index >= 0; index--) {
      const open = this.items[index] as Open;
      if (open.html && HEADINGS.has(open.id)) return index;
      if (open.html && SCOPE_BOUNDARIES.has(open.id)) return -1;
    }
    return -1;
  }

  /**
   * Whether a formatting element with tag id `id` is on the list of active formatting elements: open, and above the
   * last marker. (Elements leave the list only as the shadow lets them, so the list is the open ones.)
   */
  hasActiveFormatting(id: TagId): boolean {
    for (let index = this.items.length - 1; index > 0; index--) {
      const open = this.items[index] as Open;
      if (!open.html) continue;
      if (open.id === id) return true;
      if (MARKERS.has(open.id)) return false;
    }
    return false;
  }

  /** The index of the innermost open cell, caption or table, or `undefined` outside tables. */
  tableContext(): number | undefined {
    for (let index = this.items.length - 1; index > 0; index--) {
      const open = this.items[index] as Open;
      if (!open.html) throw BAIL;
      if (open.id === $.TD || open.id === $.TH || open.id === $.CAPTION) return index;
      if (open.id === $.TABLE) throw BAIL; // only foster parenting puts other elements right in a table
    }
    return undefined;
  }

  /**
   * Whether closing the element at `index` and everything above it, as the tree builder does when it closes an element
   * that is not the current node, would close a formatting element that the tree builder later reconstructs (clones):
   * one that no cell, caption or other marker closed with it takes off the list of active formatting elements.
   */
  closesFormattingElement(index: number): boolean {
    let lowestMarker = this.items.length;
    for (let at = index; at < this.items.length; at++) {
      const open = this.items[at] as Open;
      if (open.html && MARKERS.has(open.id)) {
        lowestMarker = at;
        break;
      }
    }
    for (let at = index + 1; at < lowestMarker; at++) {
      const open = this.items[at] as Open;
      if (open.html && FORMATTING.has(open.id)) return true;
    }
    return false;
  }
}
