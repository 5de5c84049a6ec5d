import { Parser } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';
import type { Document } from './dom.js';
import { SkimmingTokenizer } from './skimming-tokenizer.js';

/**
 * `parse5.parse(html)`, with the streaming pass's tokenizer under parse5's own tree builder: it skips nothing here, but
 * reads plain tags whole, and one tokenizer class in a thread keeps V8's optimized tokenizer code from being thrown
 * away when a page needs the tree. The document is the one `parse5.parse` builds (tests/extractors/parse-document.test.ts
 * compares them).
 */
export function parseDocument(html: string): Document {
  const parser = new Parser<DefaultTreeAdapterMap>();
  // The constructor's tokenizer is new and untouched: for a whole document the parser sets it up no further.
  parser.tokenizer = new SkimmingTokenizer(parser.options, parser);
  parser.tokenizer.write(html, true);
  return parser.document;
}
