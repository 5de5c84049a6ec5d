/**
 * The streaming pass against parse5's tree on real pages: every HTML file listed (one path a line) is read from its
 * bytes with the fast tokenizer alone and with parse5's skimming one, and what each finds of every streamable tag is
 * compared with the tree's, element by element (tag, namespace, attributes, text), as the differential tests do:
 *
 *   find /usr/share/doc -type f -name '*.html' > /tmp/pages.txt
 *   node --import tsx bench/stream-corpus.ts /tmp/pages.txt
 *
 * Prints each difference, then one JSON line: how many pages agreed, bailed (they get the tree), were handed back by
 * the fast tokenizer (to parse5's), and differed (should be 0).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'parse5';
import { findElements, textContent } from '../src/extractors/dom.js';
import type { Element } from '../src/extractors/dom.js';
import { STREAMABLE_TAGS, streamElementsWith, UNHANDLED } from '../src/extractors/streamed-elements.js';
import type { StreamedElements } from '../src/extractors/streamed-elements.js';

const listing = process.argv[2];
if (listing === undefined) {
  console.error('usage: bench/stream-corpus.ts FILE-LISTING');
  process.exit(2);
}

function describe(element: Element | undefined): string {
  if (element === undefined) return 'nothing';
  const shape = { tagName: element.tagName, namespaceURI: element.namespaceURI, attrs: element.attrs.map((attr) => [attr.name, attr.value]) };
  // The pass does not collect the text of <html> (the whole page).
  return JSON.stringify(element.tagName === 'html' ? shape : { ...shape, text: textContent(element) });
}

function firstDifference(tree: readonly Element[], streamed: StreamedElements): string | undefined {
  for (let index = 0; index < Math.max(tree.length, streamed.all.length); index++) {
    const want = describe(tree[index]);
    const got = describe(streamed.all[index]);
    if (want !== got) return `[${index}] tree ${want.slice(0, 200)}, stream ${got.slice(0, 200)}`;
  }
  return undefined;
}

const counts = { pages: 0, agreed: 0, bailed: 0, handedBack: 0, differed: 0 };
const decoder = new TextDecoder();
for (const file of readFileSync(listing, 'utf8').split('\n').filter(Boolean)) {
  const body = readFileSync(file);
  const tree = findElements(parse(decoder.decode(body)), ...STREAMABLE_TAGS);
  counts.pages++;
  const fast = streamElementsWith({ utf8: body }, STREAMABLE_TAGS, 'fast-only');
  const skimming = streamElementsWith({ utf8: body }, STREAMABLE_TAGS, 'skimming');
  if (fast === UNHANDLED) counts.handedBack++;
  for (const [way, streamed] of [['fast', fast], ['skimming', skimming]] as const) {
    if (streamed === UNHANDLED) continue;
    const difference = streamed === null ? undefined : firstDifference(tree, streamed);
    if (difference !== undefined) console.log(`${file} (${way}): ${difference}`);
    if (way === 'skimming') {
      if (difference !== undefined) counts.differed++;
      else if (streamed === null) counts.bailed++;
      else counts.agreed++;
    } else if (difference !== undefined || (streamed === null) !== (skimming === null)) {
      if (difference === undefined) console.log(`${file}: only one tokenizer bailed`);
      counts.differed++;
    }
  }
}
console.log(JSON.stringify(counts));
