import { createRequire } from 'node:module';
import { html } from 'parse5';
import type * as CssSelect from 'css-select';
import type { Options, compile } from 'css-select';
import { SelectorError } from '../errors.js';
import type { Element, Node } from './dom.js';
import { parse5Adapter } from './parse5-adapter.js';

type Query = ReturnType<typeof compile<Node, Element>>;

let cssSelect: typeof CssSelect | undefined;

/**
 * css-select (with domutils, nth-check and entities), loaded on the first selector: a crawl that only follows links
 * never loads it, on the main thread or in a parse worker (issue 15: start-up). Loaded with `require` (css-select
 * ships CommonJS too), as compiling and matching are synchronous.
 */
function library(): typeof CssSelect {
  return (cssSelect ??= createRequire(import.meta.url)('css-select') as typeof CssSelect);
}

/** A selector compiled twice: for a whole document, and relative to one element (`:scope`) chosen per query. */
interface CompiledSelector {
  document: Query;
  scoped: Query;
  /** The element the scoped query reads as `:scope`; set just before each (synchronous) query. */
  scope: Node[];
}

// Selectors come from code, so a crawl uses a handful; the bound only keeps a loop that builds selectors from page
// data from growing the map without end.
const MAX_CACHED = 1024;
const cache = new Map<string, CompiledSelector>();

// Compiling relative to a context makes css-select absolutize the selector (`h2` -> `:scope h2`, `> h2` ->
// `:scope > h2`), as cheerio's `.find()`, Scrapy's `item.css()` and jQuery do; css-select only absolutizes against an
// element whose parent is an element, so this stand-in takes the place of the real scope while compiling.
const STAND_IN = standIn(standIn(null));

function standIn(parentNode: Node | null): Node {
  return { nodeName: 'div', tagName: 'div', attrs: [], namespaceURI: html.NS.HTML, childNodes: [], parentNode, sourceCodeLocation: undefined } as Node;
}

function compileQuery(selector: string, quirksMode: boolean, context?: Node[]): Query {
  // cacheResults memoizes matches per element (a WeakMap), which is safe across pages but not across scopes that
  // change under one compiled query.
  const options: Options<Node, Element> = { adapter: parse5Adapter, quirksMode, cacheResults: context === undefined };
  try {
    return library().compile<Node, Element>(selector, options, context);
  } catch (error) {
    throw new SelectorError(selector, `Invalid CSS selector ${JSON.stringify(selector)}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The compiled form of `selector`, compiled on first use and then reused by every page (per thread). Quirks-mode
 * documents get their own entry: there, class and id selectors match case-insensitively (HTML 4.2.6).
 * @throws SelectorError when the selector does not parse or css-select does not support it.
 */
function compiled(selector: string, quirksMode = false): CompiledSelector {
  if (typeof selector !== 'string') throw new SelectorError(String(selector), `Expected a CSS selector string, got ${typeof selector}`);
  // css-select matches nothing for a blank selector; the DOM's querySelectorAll('') throws, and so do we.
  if (selector.trim() === '') throw new SelectorError(selector, `Invalid CSS selector ${JSON.stringify(selector)}: it is empty`);
  const key = quirksMode ? `q${selector}` : `s${selector}`;
  let entry = cache.get(key);
  if (entry === undefined) {
    const scope = [STAND_IN];
    entry = { document: compileQuery(selector, quirksMode), scoped: compileQuery(selector, quirksMode, scope), scope };
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, entry);
  }
  return entry;
}

/** Compiles `selector` now (and caches it), so a bad one fails at construction rather than on the first page. @throws SelectorError */
export function checkSelector(selector: string): void {
  compiled(selector);
}

const OPTIONS: Options<Node, Element> = { adapter: parse5Adapter };

/**
 * Elements matching `selector` in document order: in the whole tree under `root` when it is a document, or, when it is
 * an element, among its descendants with the selector read relative to it. Template contents are not searched.
 * @throws SelectorError for an invalid selector.
 */
export function selectElements(selector: string, root: Node, quirksMode = false): Element[] {
  return runScoped(selector, root, quirksMode, (query) => library().selectAll<Node, Element>(query, root, OPTIONS));
}

/** The first element {@link selectElements} would return, or `null`. @throws SelectorError */
export function selectFirstElement(selector: string, root: Node, quirksMode = false): Element | null {
  return runScoped(selector, root, quirksMode, (query) => library().selectOne<Node, Element>(query, root, OPTIONS));
}

/** Runs `query` with the selector compiled for a document root, or for an element root set as its scope. */
function runScoped<T>(selector: string, root: Node, quirksMode: boolean, query: (compiledQuery: Query) => T): T {
  const entry = compiled(selector, quirksMode);
  if (!('tagName' in root)) return query(entry.document);
  entry.scope[0] = root;
  try {
    return query(entry.scoped);
  } finally {
    entry.scope[0] = STAND_IN;
  }
}
