import { readUtf8Body } from './binary-utf8.js';
import type { StreamedElements } from './element-recorder.js';
import { UNHANDLED } from './fast-tokenizer.js';
import { BAIL } from './open-elements.js';
import { TreeShadow } from './tree-shadow.js';

// The streaming pass's entry: which elements of a page it finds, and with which tokenizer (tree-shadow.ts says how).

export type { StreamedElements } from './element-recorder.js';
export { UNHANDLED } from './fast-tokenizer.js';

/**
 * Tag names the streaming pass records exactly. Elements the tree builder creates without a tag of their own
 * (`head`, `body`, `tbody`, `p` for a stray `</p>`, ...) or fills in another way are not among them; `html` is, with
 * its attributes merged as the tree builder merges repeated `<html>` tags (its text is not collected).
 */
export const STREAMABLE_TAGS: ReadonlySet<string> = new Set(['a', 'area', 'base', 'link', 'meta', 'title', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'html']);

/**
 * Finds the elements named in `tags` (a subset of {@link STREAMABLE_TAGS}) with one tokenizing pass, simulating just
 * enough of tree construction to know which text belongs to which element. `source` is the page's text, or its body
 * when the body is UTF-8 (read as bytes, which spares decoding the whole page; what is kept is decoded). Returns `null`
 * whenever the page has structure the simulation does not model exactly (misnested formatting elements, content
 * foster-parented out of tables, `<template>`, `<select>`, integration points in SVG or MathML, ...); the caller then
 * builds the full tree. When it returns elements, they equal the tree's: same order, tag names, attributes and text.
 */
export function streamElements(source: string | { utf8: Uint8Array }, tags: ReadonlySet<string>): StreamedElements | null {
  return streamElementsWith(source, tags, 'fast');
}

/**
 * How {@link streamElementsWith} tokenizes: the fast tokenizer, then parse5's where it hands a page back (what
 * {@link streamElements} does); parse5's alone; or the fast one alone, returning {@link UNHANDLED} where it hands back.
 */
export type TokenizerChoice = 'fast' | 'skimming' | 'fast-only';

/** {@link streamElements} with a choice of tokenizer, for the tests, which hold each to the tree. @internal */
export function streamElementsWith(source: string | { utf8: Uint8Array }, tags: ReadonlySet<string>, tokenizer: 'fast' | 'skimming'): StreamedElements | null;
export function streamElementsWith(source: string | { utf8: Uint8Array }, tags: ReadonlySet<string>, tokenizer: TokenizerChoice): StreamedElements | null | typeof UNHANDLED;
export function streamElementsWith(source: string | { utf8: Uint8Array }, tags: ReadonlySet<string>, tokenizer: TokenizerChoice): StreamedElements | null | typeof UNHANDLED {
  for (const tag of tags) if (!STREAMABLE_TAGS.has(tag)) throw new RangeError(`Expected a streamable tag name, got ${tag}`);
  const { text, binary } = typeof source === 'string' ? { text: source, binary: false } : readUtf8Body(source.utf8);
  try {
    if (tokenizer !== 'skimming') {
      try {
        return new TreeShadow(tags, binary, true).run(text);
      } catch (error) {
        if (error !== UNHANDLED || tokenizer === 'fast-only') throw error;
      }
    }
    return new TreeShadow(tags, binary, false).run(text);
  } catch (error) {
    if (error === BAIL) return null;
    if (error === UNHANDLED) return UNHANDLED;
    throw error;
  }
}

