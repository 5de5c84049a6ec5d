import { html } from 'parse5';
import type { Token } from 'parse5';
import { decodeAttributes, textOfBinary } from './binary-utf8.js';
import type { Element } from './dom.js';
import type { Recorded } from './open-elements.js';

/** Elements found by the streaming pass, in document order, and grouped by tag name. */
export interface StreamedElements {
  all: Element[];
  byTag: Map<string, Element[]>;
}

function lightElement(tagName: string, attrs: Token.Attribute[]): Element {
  return { nodeName: tagName, tagName, attrs, namespaceURI: html.NS.HTML, childNodes: [], parentNode: null, sourceCodeLocation: undefined };
}

/**
 * What the streaming pass keeps: the elements with the tag names asked for, in document order, their attributes, and
 * the text that arrives while each is open. The shadow of tree construction (streamed-elements.ts) says when an
 * element opens, closes and receives text; this keeps the elements, and decodes what it keeps when the input is a
 * binary string (binary-utf8.ts).
 */
export class ElementRecorder {
  readonly #found: StreamedElements = { all: [], byTag: new Map() };
  readonly #tags: ReadonlySet<string>;
  readonly #binary: boolean;
  /** Recorded elements that are open, innermost last: text goes to each. */
  readonly #open: Recorded[] = [];
  /** Every recorded element that can hold text. */
  readonly #withText: Recorded[] = [];
  readonly #html: Recorded | undefined;

  constructor(tags: ReadonlySet<string>, binary: boolean) {
    this.#tags = tags;
    this.#binary = binary;
    if (tags.has('html')) this.#html = this.#record('html', []);
  }

  /** Whether elements with this tag name are recorded. */
  records(tagName: string): boolean {
    return this.#tags.has(tagName);
  }

  /** Some recorded element is open: text is kept. */
  get hasOpen(): boolean {
    return this.#open.length > 0;
  }

  /** An element was pushed on the stack of open elements: recorded (and open for text) when its tag is asked for. */
  open(tagName: string, attrs: Token.Attribute[]): Recorded | undefined {
    if (!this.#tags.has(tagName)) return undefined;
    const recorded = this.#record(tagName, attrs);
    this.#open.push(recorded);
    this.#withText.push(recorded);
    return recorded;
  }

  /** The innermost recorded element left the stack. */
  close(): void {
    this.#open.pop();
  }

  /** A void element (no text, never on the stack): recorded when its tag is asked for. */
  addVoid(tagName: string, attrs: Token.Attribute[]): void {
    if (this.#tags.has(tagName)) this.#record(tagName, attrs);
  }

  /** A repeated `<html>` tag: its attributes join the first one's, where that one lacks them. */
  mergeHtmlAttributes(attrs: Token.Attribute[]): void {
    const element = this.#html?.element;
    if (!element) return;
    for (const attr of attrs) if (!element.attrs.some((existing) => existing.name === attr.name)) element.attrs.push(attr);
  }

  /** Text for every open recorded element. */
  appendText(chars: string): void {
    // Bytes are decoded a token at a time: the tree builder drops some input between tokens (a NUL, a tag), so the
    // bytes on either side do not join into one character in the tree's text and must not here.
    const text = this.#binary ? textOfBinary(chars) : chars;
    for (const recorded of this.#open) recorded.text += text;
  }

  /** The elements, each with its text as one child and, from a binary string, its attributes decoded. */
  finish(): StreamedElements {
    if (this.#binary) for (const element of this.#found.all) decodeAttributes(element.attrs);
    for (const recorded of this.#withText) {
      if (recorded.text !== '') recorded.element.childNodes.push({ nodeName: '#text', value: recorded.text, parentNode: recorded.element });
    }
    return this.#found;
  }

  #record(tagName: string, attrs: Token.Attribute[]): Recorded {
    const recorded = { element: lightElement(tagName, attrs), text: '' };
    this.#found.all.push(recorded.element);
    const list = this.#found.byTag.get(tagName);
    if (list) list.push(recorded.element);
    else this.#found.byTag.set(tagName, [recorded.element]);
    return recorded;
  }
}
