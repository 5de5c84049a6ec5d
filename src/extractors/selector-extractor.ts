import { OptionsError } from '../errors.js';
import { checkSelector } from './css-selector.js';
import type { Element } from './dom.js';
import { Extractor } from './extractor.js';
import type { Extracted, WorkerSpec } from './extractor.js';
import type { Page } from './page.js';

/**
 * The long form of a {@link SelectorExtractor} field. The short forms are a selector string (`'h2'`: the text of the
 * first match) and a pair (`['a', 'href']`: the first match's attribute, as written).
 */
export interface SelectorFieldSpec {
  /** A CSS selector, relative to the item (or the page when there is no `item`). Omit it to read the item itself. */
  selector?: string;
  /** The attribute to read (lower-case). @default the element's text, white space collapsed */
  attr?: string;
  /**
   * Resolve the attribute against the page's base URL (`<base href>` or the final URL) into an absolute URL; a value
   * that is not a URL gives `null`. Only with `attr`. @default false: the attribute as written, as Scrapy and cheerio give it
   */
  resolve?: boolean;
  /**
   * Every match, as an array (empty when nothing matches; elements without the attribute are left out), instead of
   * the first match (`null` when nothing matches or it lacks the attribute). @default false
   */
  all?: boolean;
}

/** One field of a {@link SelectorExtractor}: `'h2'`, `['a', 'href']`, or a {@link SelectorFieldSpec}. */
export type SelectorField = string | readonly [selector: string, attribute: string] | SelectorFieldSpec;

/** What a {@link SelectorExtractor} selects. Plain data, so the extractor runs on worker threads. */
export interface SelectorExtractorOptions {
  /** The records' `type` and the logger binding. @default 'selectors' */
  name?: string;
  /** A CSS selector for the items: one record per matching element. @default none: one record per page */
  item?: string;
  /** Field name to what it reads. `url` and `type` are taken (the page's final URL and the record type). */
  fields: Readonly<Record<string, SelectorField>>;
}

/** A record of a {@link SelectorExtractor}: the page's final URL and one value per field. */
export interface SelectorRecord {
  url: string;
  [field: string]: string | string[] | null;
}

interface Field {
  name: string;
  selector: string | undefined;
  attr: string | undefined;
  resolve: boolean;
  all: boolean;
}

const RESERVED_FIELDS = new Set(['url', 'type']);
const SPEC_KEYS = new Set(['selector', 'attr', 'resolve', 'all']);
const FIELD_SHAPE = "a selector, a [selector, attribute] pair or { selector?, attr?, resolve?, all? }";

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** One field's options, checked; selectors are compiled here so a bad one fails before the crawl. @throws OptionsError, SelectorError */
function toField(name: string, value: unknown, hasItem: boolean): Field {
  const option = `fields.${name}`;
  if (RESERVED_FIELDS.has(name)) throw new OptionsError(option, `Expected \`fields\` not to use the name \`${name}\`: every record has it already`);
  let spec: SelectorFieldSpec;
  if (typeof value === 'string') spec = { selector: value };
  else if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') spec = { selector: value[0], attr: value[1] };
  else if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).every((key) => SPEC_KEYS.has(key))) spec = value;
  else throw new OptionsError(option, `Expected \`${option}\` to be ${FIELD_SHAPE}, got ${describe(value)}`);
  const { selector, attr, resolve = false, all = false } = spec;
  if (selector !== undefined && typeof selector !== 'string') throw new OptionsError(option, `Expected \`${option}.selector\` to be a string, got ${describe(selector)}`);
  if (selector === undefined && !hasItem) throw new OptionsError(option, `Expected \`${option}.selector\`: without \`item\` there is no element to read`);
  if (attr !== undefined && (typeof attr !== 'string' || attr === '')) throw new OptionsError(option, `Expected \`${option}.attr\` to be an attribute name, got ${describe(attr)}`);
  if (typeof resolve !== 'boolean' || typeof all !== 'boolean') throw new OptionsError(option, `Expected \`${option}.resolve\` and \`.all\` to be booleans, got ${describe(spec)}`);
  if (resolve && attr === undefined) throw new OptionsError(option, `Expected \`${option}.attr\` with \`resolve: true\`: only attributes are resolved`);
  if (selector !== undefined) checkSelector(selector);
  return { name, selector, attr: attr?.toLowerCase(), resolve, all };
}

/**
 * Records data picked by CSS selectors, without writing a class: one record per element matching `item` (or one
 * per page without it), with `url` (the page's final URL) and one value per field, read relative to the item.
 *
 * ```ts
 * new SelectorExtractor({ name: 'posts', item: 'article', fields: { title: 'h2', link: ['a', 'href'] } })
 * // { type: 'posts', url: 'https://site/blog/', title: 'Hello', link: '/blog/hello' } for each <article>
 * ```
 * A field reads the text of its selector's first match (`'h2'`), an attribute as written (`['a', 'href']`), or,
 * in the long form, an attribute resolved to an absolute URL (`{ selector: 'a', attr: 'href', resolve: true }`),
 * every match (`{ selector: 'li', all: true }`), or the item itself (`{ attr: 'id' }`). Missing values are `null`.
 * Selectors are relative to the item, as in cheerio's `.find()` and Scrapy's `item.css()`.
 *
 * It runs on worker threads ({@link Extractor.workerSpec}). It builds each page's tree (selectors need it), so a crawl
 * with it does not use the streaming pass.
 * @throws OptionsError for a malformed field or a taken field name; SelectorError for an invalid selector.
 */
export class SelectorExtractor extends Extractor<SelectorRecord> {
  readonly name: string;
  readonly #options: SelectorExtractorOptions;
  readonly #item: string | undefined;
  readonly #fields: Field[];

  constructor(options: SelectorExtractorOptions) {
    super();
    if (typeof options !== 'object' || options === null) throw new OptionsError('fields', `Expected SelectorExtractor options { item?, fields }, got ${describe(options)}`);
    const { name = 'selectors', item, fields } = options;
    if (typeof name !== 'string' || name === '') throw new OptionsError('name', `Expected \`name\` to be a non-empty string, got ${describe(name)}`);
    if (item !== undefined) {
      if (typeof item !== 'string') throw new OptionsError('item', `Expected \`item\` to be a CSS selector, got ${describe(item)}`);
      checkSelector(item);
    }
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields) || Object.keys(fields).length === 0)
      throw new OptionsError('fields', `Expected \`fields\` to map field names to selectors, got ${describe(fields)}`);
    this.name = name;
    this.#options = options;
    this.#item = item;
    this.#fields = Object.entries(fields).map(([field, value]) => toField(field, value, item !== undefined));
  }

  override workerSpec(): WorkerSpec {
    return { module: import.meta.url, exportName: 'SelectorExtractor', args: [this.#options] };
  }

  extract(page: Page): Extracted<SelectorRecord> {
    const items: (Element | undefined)[] = this.#item === undefined ? [undefined] : page.select(this.#item);
    const records = items.map((item) => {
      const record: SelectorRecord = { url: page.finalUrl };
      for (const field of this.#fields) record[field.name] = this.#read(page, item, field);
      return record;
    });
    return { records };
  }

  #read(page: Page, item: Element | undefined, field: Field): string | string[] | null {
    const value = (element: Element): string | null => {
      if (field.attr === undefined) return page.text(element);
      const attribute = page.attr(element, field.attr);
      return attribute !== undefined && field.resolve ? page.resolve(attribute) : (attribute ?? null);
    };
    if (field.all) {
      const elements = field.selector === undefined ? [item as Element] : page.select(field.selector, item);
      return elements.map(value).filter((found): found is string => found !== null);
    }
    const element = field.selector === undefined ? (item as Element) : page.selectOne(field.selector, item);
    return element ? value(element) : null;
  }
}
