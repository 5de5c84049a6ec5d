import { html } from 'parse5';
import { selectElements, selectFirstElement } from './css-selector.js';
import type { Document, Element, Node } from './dom.js';
import { findElements, getAttribute, textContent, walkElements } from './dom.js';
import { parseDocument } from './parse-document.js';
import { ReferenceResolver, resolveReference } from './reference-resolver.js';
import { STREAMABLE_TAGS, streamElements } from './streamed-elements.js';
import type { StreamedElements } from './streamed-elements.js';

/** What the crawler knows about a fetched page when it builds a {@link Page}. */
export interface PageInit {
  url: string;
  finalUrl: string;
  depth: number;
  parent: string | null;
  status: number;
  headers: Readonly<Record<string, string>>;
  contentType: string;
  body: Buffer;
  /** The body decoded to text (charset sniffed for HTML, UTF-8 otherwise), or a function that decodes it on first use. */
  text: string | (() => string);
  /**
   * `text` is `body` decoded as UTF-8 (BOM dropped), so the streaming pass may read the bytes and spare decoding the
   * page; or a function that tells on first use. @default false
   */
  bodyIsUtf8?: boolean | (() => boolean);
  /** The base URL when already known (a parse worker found `<base href>`); otherwise read from the document. */
  baseUrl?: string;
  /** The body was cut at the size cap. */
  truncated: boolean;
}

/** Every element of the document in order, and the same grouped by tag name: one walk serves every lookup. */
interface ElementIndex {
  all: Element[];
  byTag: Map<string, Element[]>;
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/**
 * One fetched page, as extractors and `Crawler.parse()` see it: where it came from, its headers and body, and helpers
 * to walk its HTML. The parse5 tree is built on first use and then shared; element lookups share one index.
 */
export class Page {
  /** The URL requested (normalized). */
  readonly url: string;
  /** The URL the content came from, after redirects. */
  readonly finalUrl: string;
  /** Link distance from the nearest start URL. */
  readonly depth: number;
  /** The page that first linked here; `null` for a start URL. */
  readonly parent: string | null;
  readonly status: number;
  /** Response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Media type, lower-case, without parameters (`text/html`). */
  readonly contentType: string;
  /** The raw (decompressed) body. */
  readonly body: Buffer;
  /** The body was cut at the size cap. */
  readonly truncated: boolean;
  #text: string | (() => string);
  readonly #bodyIsUtf8: boolean | (() => boolean);
  #document: Document | undefined;
  #index: ElementIndex | undefined;
  #baseUrl: string | undefined;
  #resolver: ReferenceResolver | undefined;
  #streamTags: ReadonlySet<string> | undefined;
  /** The streaming pass's elements; `null` when it gave up on this page, `undefined` before it ran. */
  #streamed: StreamedElements | null | undefined;

  constructor(init: PageInit) {
    this.url = init.url;
    this.finalUrl = init.finalUrl;
    this.depth = init.depth;
    this.parent = init.parent;
    this.status = init.status;
    this.headers = init.headers;
    this.contentType = init.contentType;
    this.body = init.body;
    this.truncated = init.truncated;
    this.#text = init.text;
    this.#bodyIsUtf8 = init.bodyIsUtf8 ?? false;
    this.#baseUrl = init.baseUrl;
  }

  /** Whether this is an HTML page (text/html or application/xhtml+xml). */
  get isHtml(): boolean {
    return HTML_TYPES.has(this.contentType);
  }

  /** The decoded body: the HTML source for HTML pages. */
  get html(): string {
    if (typeof this.#text === 'function') this.#text = this.#text();
    return this.#text;
  }

  /** The decoded body as text (same as `html`, named for non-HTML pages). */
  get bodyText(): string {
    return this.html;
  }

  /** The parse5 document, parsed on first access. Malformed HTML still gives a document (parse5 never throws on it). */
  get document(): Document {
    this.#document ??= parseDocument(this.html);
    return this.#document;
  }

  /** The body parsed as JSON. Throws SyntaxError when it is not JSON. */
  json<T = unknown>(): T {
    return JSON.parse(this.html) as T;
  }

  /** The base URL relative links resolve against: the first `<base href>` (resolved against the final URL), or the final URL. */
  get baseUrl(): string {
    if (this.#baseUrl === undefined) {
      const href = this.elements('base').map((base) => getAttribute(base, 'href')).find((value) => value !== undefined);
      this.#baseUrl = (href !== undefined && resolveReference(href, this.finalUrl)) || this.finalUrl;
    }
    return this.#baseUrl;
  }

  /** Sets the base URL when it is already known (a parse worker read it), so it is not read again here. */
  useBaseUrl(baseUrl: string): void {
    this.#baseUrl = baseUrl;
  }

  /**
   * Lets `elements()` (and `title()`, `baseUrl`) find elements with these tag names in one streaming pass of parse5's
   * tokenizer instead of building the whole tree, until something asks for another tag or for `document`. The crawler
   * calls it when every extractor declares what it reads ({@link Extractor.elementsRead}); the pass gives up on pages
   * whose structure it does not model exactly, and the tree is built for them, so the results are always the tree's.
   * Tag names outside {@link STREAMABLE_TAGS} turn it off.
   */
  useStreamedElements(tagNames: Iterable<string>): void {
    // The crawler passes the same set for every page: no copy, and it is checked once per page, not per lookup.
    const tags = tagNames instanceof Set ? (tagNames as ReadonlySet<string>) : new Set(tagNames);
    this.#streamTags = [...tags].every((tag) => STREAMABLE_TAGS.has(tag)) ? tags : undefined;
  }

  /** Resolves a reference found on the page to an absolute URL (fragment kept), or `null` when it is not a valid URL. */
  resolve(href: string): string | null {
    const base = this.baseUrl;
    // Pages link many sections of a few pages: the part before '#' is parsed once per page.
    if (this.#resolver?.base !== base) this.#resolver = new ReferenceResolver(base);
    return this.#resolver.resolve(href);
  }

  /** Elements with any of the given tag names (lower-case), in document order. One tree walk serves every call. */
  elements(...tagNames: string[]): Element[] {
    const index = this.#streamedIndex(tagNames) ?? this.#elementIndex();
    if (tagNames.length === 1) return index.byTag.get(tagNames[0] as string)?.slice() ?? [];
    const wanted = new Set(tagNames);
    return index.all.filter((element) => wanted.has(element.tagName));
  }

  /**
   * Elements matching a CSS selector, in document order. Selectors are full CSS as css-select implements it
   * (combinators, attribute operators, `:not()`, `:is()`, `:where()`, `:has()`, `:nth-child()` and the other
   * structural pseudo-classes, `:checked`, `:disabled`, `:empty`, `:root`, ...), matched on the parse5 tree, so the
   * elements work with `attr()`, `text()` and `resolve()`. Each selector string is compiled once per thread and reused.
   *
   * With `within`, only its descendants are searched and the selector is relative to it, as cheerio's `.find()` and
   * Scrapy's `item.css()` read it: `div h2` needs the `div` inside `within`, and `> h2` means its children.
   * Selecting builds the tree (the streaming pass of {@link Page.useStreamedElements} serves only `elements()`).
   * @throws SelectorError (code `invalid-selector`) naming the selector when it does not parse or is unsupported
   * (pseudo-elements such as `::text`, namespaces); TypeError when `within` is not an element of this page's tree.
   */
  select(selector: string, within?: Element): Element[] {
    return selectElements(selector, this.#selectionRoot(within), this.document.mode === html.DOCUMENT_MODE.QUIRKS);
  }

  /** The first element {@link Page.select} would return, or `null`. @throws SelectorError, as `select()`. */
  selectOne(selector: string, within?: Element): Element | null {
    return selectFirstElement(selector, this.#selectionRoot(within), this.document.mode === html.DOCUMENT_MODE.QUIRKS);
  }

  /** An attribute of an element, or `undefined`. */
  attr(element: Element, name: string): string | undefined {
    return getAttribute(element, name);
  }

  /** An element's text content, white space collapsed. */
  text(element: Element): string {
    // The streaming pass does not collect the text of <html> (the whole page): read it from the tree.
    if (element.tagName === 'html' && element.parentNode === null) return textContent(findElements(this.document, 'html')[0] as Element);
    return textContent(element);
  }

  /** The document title (white space collapsed), or `null` when the page has no `<title>`. */
  title(): string | null {
    // HTML 3.1.3: the document's title is the first title element in the HTML namespace, not an inline SVG's <title>.
    const title = this.elements('title').find((element) => element.namespaceURI === html.NS.HTML);
    return title ? textContent(title) : null;
  }

  #selectionRoot(within: Element | undefined): Node {
    const document = this.document;
    if (within === undefined) return document;
    // An element of the streaming pass (or of another page) has no ancestors here: matching would be silently wrong.
    let top: Node = within;
    while ('parentNode' in top && top.parentNode) top = top.parentNode;
    if (top !== document) throw new TypeError('page.select(): `within` must be an element of this page\'s tree (from select() or document), not from elements() on a streamed page');
    return within;
  }

  /** The streaming pass's elements when it may serve `tagNames` and did not give up on this page. */
  #streamedIndex(tagNames: readonly string[]): ElementIndex | undefined {
    const tags = this.#streamTags;
    if (tags === undefined || this.#document !== undefined || !tagNames.every((tag) => tags.has(tag))) return undefined;
    // Reading the bytes spares decoding the page, unless it already was.
    if (this.#streamed === undefined) {
      const readBytes = typeof this.#text === 'function' && (typeof this.#bodyIsUtf8 === 'function' ? this.#bodyIsUtf8() : this.#bodyIsUtf8);
      this.#streamed = streamElements(readBytes ? { utf8: this.body } : this.html, tags);
    }
    return this.#streamed ?? undefined;
  }

  #elementIndex(): ElementIndex {
    if (!this.#index) {
      const index: ElementIndex = { all: [], byTag: new Map() };
      walkElements(this.document, (element) => {
        index.all.push(element);
        const list = index.byTag.get(element.tagName);
        if (list) list.push(element);
        else index.byTag.set(element.tagName, [element]);
      });
      this.#index = index;
    }
    return this.#index;
  }
}
