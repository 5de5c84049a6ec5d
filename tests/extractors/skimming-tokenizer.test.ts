import { Tokenizer } from 'parse5';
import { describe, expect, test } from 'vitest';
import { samplePages } from '../../bench/parse-ceiling.js';
import { SkimmingTokenizer } from '../../src/extractors/skimming-tokenizer.js';
import { streamElementsWith } from '../../src/extractors/streamed-elements.js';

// The skimming tokenizer overrides protected methods of parse5's Tokenizer that parse5 does not promise to keep. A parse5
// release that renames them, or stops dispatching through them, would leave every page parsed exactly but slowly: these
// tests make it fail instead. (parse5 is pinned to ~8.1.x in package.json for the same reason.)

/** The protected methods of parse5's Tokenizer that SkimmingTokenizer overrides. */
const OVERRIDDEN = ['_stateData', '_stateRawtext', '_stateScriptData', '_stateTagOpen', '_stateEndTagOpen', '_extendRunWith'] as const;
/** The protected methods of parse5's Tokenizer that SkimmingTokenizer calls without overriding. */
const CALLED = ['_flushRun', 'emitCurrentTagToken'] as const;

type Method = (this: unknown, ...args: unknown[]) => unknown;
type Counts = Record<(typeof OVERRIDDEN)[number], number>;

/**
 * Runs `work` while counting the calls of the OVERRIDDEN methods, on SkimmingTokenizer (the overrides, which parse5's
 * state dispatch reaches) and on parse5's Tokenizer (reached when an override falls back to `super`).
 */
function countCalls(work: () => void): { skimming: Counts; parse5: Counts } {
  const counted = [
    { prototype: SkimmingTokenizer.prototype as unknown as Record<string, Method>, counts: {} as Counts },
    { prototype: Tokenizer.prototype as unknown as Record<string, Method>, counts: {} as Counts },
  ];
  const originals = counted.map(({ prototype, counts }) =>
    OVERRIDDEN.map((name) => {
      if (!Object.hasOwn(prototype, name)) throw new Error(`${name} is not a method of ${prototype.constructor.name}`);
      const original = prototype[name] as Method;
      counts[name] = 0;
      prototype[name] = function (this: unknown, ...args: unknown[]) {
        counts[name]++;
        return original.apply(this, args);
      };
      return () => (prototype[name] = original);
    }),
  );
  try {
    work();
  } finally {
    for (const restore of originals.flat()) restore();
  }
  return { skimming: counted[0]!.counts, parse5: counted[1]!.counts };
}

const LINK_TAGS: ReadonlySet<string> = new Set(['a', 'area', 'link', 'meta', 'base', 'title']);

/** A page that must take every shortcut: skipped text in each text state, plain tags, a reference in kept text. */
const TYPICAL_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Fish &amp; chips</title>
<link rel="stylesheet" href="/site.css">
<style>body { margin: 0 } p > a { color: red }</style>
<script>window.dataLayer = [{ page: 'home', items: 3 }];</script>
</head>
<body>
<header class="top"><a href="/">Home</a></header>
<main>
<h1>Our menu</h1>
<p>Everything here is fried to order. Ask for <a href="/sauces.html">the sauces</a> at the counter.</p>
<p>Open every day but Monday, from noon until the fish runs out.</p>
<ul><li><a href="/cod.html">Cod</a></li><li><a href="/haddock.html">Haddock</a></li></ul>
</main>
</body>
</html>`;

describe('SkimmingTokenizer and parse5', () => {
  test('every method it overrides or calls is still a method of parse5 Tokenizer', () => {
    const own = Object.getOwnPropertyNames(SkimmingTokenizer.prototype).filter((name) => name !== 'constructor');
    expect(own.sort()).toEqual([...OVERRIDDEN].sort());
    const parse5Methods = Tokenizer.prototype as unknown as Record<string, unknown>;
    for (const name of [...OVERRIDDEN, ...CALLED]) expect(typeof parse5Methods[name], name).toBe('function');
  });

  test('the input it moves through is still preprocessor.html and preprocessor.pos', () => {
    const tokenizer = new SkimmingTokenizer({ sourceCodeLocationInfo: false }, {} as ConstructorParameters<typeof Tokenizer>[1]);
    expect(typeof tokenizer.preprocessor.html).toBe('string');
    expect(typeof tokenizer.preprocessor.pos).toBe('number');
  });

  test('parse5 reaches every override, and each shortcut fires, on a page that needs them all', () => {
    const { skimming, parse5 } = countCalls(() => {
      expect(streamElementsWith({ utf8: Buffer.from(TYPICAL_PAGE, 'utf8') }, LINK_TAGS, 'skimming')).not.toBeNull();
    });
    for (const name of OVERRIDDEN) expect(skimming[name], `${name} overridden`).toBeGreaterThan(0);
    // An override that does not hand over to parse5 took its shortcut: a tag read whole by the plain-tag expression, or
    // text skipped in the data, raw-text (style) and script-data states.
    for (const name of ['_stateTagOpen', '_stateEndTagOpen', '_stateData', '_stateRawtext', '_stateScriptData'] as const) {
      expect(skimming[name] - parse5[name], `${name} shortcuts`).toBeGreaterThan(0);
    }
    // The binary input (UTF-8 bytes) has '&amp;' in the kept title turned into bytes by the _extendRunWith override.
    expect(skimming._extendRunWith).toBeGreaterThan(0);
  });

  test('on a benchmark page, the plain-tag expression reads nearly every tag and text is skipped, not tokenized', () => {
    const [page] = samplePages({ pages: 100, seed: 1, sample: 1 });
    const { skimming, parse5 } = countCalls(() => {
      expect(streamElementsWith({ utf8: Buffer.from(page!, 'utf8') }, LINK_TAGS, 'skimming')).not.toBeNull();
    });
    // Every tag (and doctype, comment) passes the tag-open state; an end tag passes it to parse5 ('/' is no letter) and
    // then the end-tag-open state.
    const tags = skimming._stateTagOpen;
    const readWhole = skimming._stateTagOpen - parse5._stateTagOpen + (skimming._stateEndTagOpen - parse5._stateEndTagOpen);
    expect(tags).toBeGreaterThan(100);
    expect(readWhole / tags).toBeGreaterThan(0.9);
    // Without skipping, parse5's data state would run once per character of text (33,865 here); with it, it runs for the
    // text the pass keeps (the links' and the title's) and at each '<' (2,620 here).
    const textCharacters = page!.replace(/<[^>]*>/g, '').length;
    expect(parse5._stateData).toBeLessThan(textCharacters / 5);
  });
});
