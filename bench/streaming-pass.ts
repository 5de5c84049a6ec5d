/**
 * The streaming pass against the tree, per page, on one thread:
 *
 *   node --import tsx bench/streaming-pass.ts [--pages 20000] [--seed 1] [--sample 300] [--rounds 5] [--ms 1500] [--dir DIR] [--from DIR]
 *
 * Times, alternating in rounds and reporting medians (µs/page): `parse5.parse` alone (the ceiling's work), the built-in
 * LinkExtractor + TitleExtractor on the tree, the same extractors served by the streaming pass from the decoded text
 * and from the UTF-8 bytes (as the crawler does), the pass alone with its fast tokenizer and with parse5's (skimming),
 * and decoding the bytes alone. Then counts the pages
 * the pass gives up on (those get the tree) among the sample and, with `--dir`, among every .html file of a directory.
 * With `--from`, the pages timed are a directory's .html files instead of generated ones.
 * Prints one JSON line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'parse5';
import { runExtractors } from '../src/crawler/extraction.js';
import { LinkExtractor } from '../src/extractors/links.js';
import { Page } from '../src/extractors/page.js';
import { streamElements, streamElementsWith } from '../src/extractors/streamed-elements.js';
import { TitleExtractor } from '../src/extractors/title.js';
import { median, positiveInt, round } from './harness.js';
import { samplePages } from './parse-ceiling.js';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    sample: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '5' },
    ms: { type: 'string', default: '1500' },
    dir: { type: 'string' },
    from: { type: 'string' },
  },
});
const htmlFilesOf = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith('.html')).map((name) => readFileSync(path.join(dir, name), 'utf8'));
const htmls = values.from ? htmlFilesOf(values.from) : samplePages({ pages: positiveInt('pages', values.pages), seed: positiveInt('seed', values.seed, 0), sample: positiveInt('sample', values.sample) });
const extractors = [new LinkExtractor(), new TitleExtractor()];
const tags = new Set(['a', 'area', 'link', 'meta', 'base', 'title', 'h1', 'html']);

const bodies = new Map(htmls.map((html) => [html, Buffer.from(html, 'utf8')]));
const utf8 = new TextDecoder('utf-8');

function pageOf(html: string): Page {
  const url = 'http://127.0.0.1/section-1/page-1.html';
  return new Page({ url, finalUrl: url, depth: 1, parent: null, status: 200, headers: {}, contentType: 'text/html', body: Buffer.alloc(0), text: html, truncated: false });
}

/** A page as a parse worker builds it: the UTF-8 body, decoded only if something needs the text. */
function pageOfBody(html: string): Page {
  const url = 'http://127.0.0.1/section-1/page-1.html';
  const body = bodies.get(html) as Buffer;
  return new Page({ url, finalUrl: url, depth: 1, parent: null, status: 200, headers: {}, contentType: 'text/html', body, text: () => utf8.decode(body), bodyIsUtf8: true, truncated: false });
}

const ways: Record<string, (html: string) => Promise<number> | number> = {
  parse5Parse: (html) => parse(html).childNodes.length,
  // Reading the document first makes every lookup use the tree.
  extractorsOnTree: async (html) => {
    const page = pageOf(html);
    void page.document;
    return (await runExtractors(extractors, page)).links.length + (page.title()?.length ?? 0);
  },
  extractorsStreamed: async (html) => {
    const page = pageOf(html);
    return (await runExtractors(extractors, page)).links.length + (page.title()?.length ?? 0);
  },
  // What a worker does with a UTF-8 body: the pass reads its bytes, no decoding.
  extractorsStreamedFromBytes: async (html) => {
    const page = pageOfBody(html);
    return (await runExtractors(extractors, page)).links.length + (page.title()?.length ?? 0);
  },
  // The pass alone from the bytes, with each tokenizer: the fast one (the default) and parse5's, skimming.
  passFastFromBytes: (html) => streamElementsWith({ utf8: bodies.get(html) as Buffer }, tags, 'fast')?.all.length ?? 0,
  passSkimmingFromBytes: (html) => streamElementsWith({ utf8: bodies.get(html) as Buffer }, tags, 'skimming')?.all.length ?? 0,
  // What the text-fed pass costs on top: decoding the body.
  decodeUtf8: (html) => utf8.decode(bodies.get(html) as Buffer).length,
};

async function microsPerPage(run: (html: string) => Promise<number> | number, ms: number): Promise<number> {
  const started = performance.now();
  let pages = 0;
  let sink = 0;
  while (performance.now() - started < ms) sink += await run(htmls[pages++ % htmls.length] as string);
  if (sink < 0) throw new Error('unreachable');
  return ((performance.now() - started) * 1_000) / pages;
}

const ms = positiveInt('ms', values.ms);
for (const run of Object.values(ways)) await microsPerPage(run, Math.min(ms, 1_000)); // warm-up
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((name) => [name, []]));
for (let round = 0; round < positiveInt('rounds', values.rounds); round++) {
  for (const [name, run] of Object.entries(ways)) samples[name]?.push(await microsPerPage(run, ms));
}
const bails = (sources: string[]) => sources.filter((html) => streamElements(html, tags) === null).length;
const corpus = values.dir ? htmlFilesOf(values.dir) : [];
const result = {
  microsPerPage: Object.fromEntries(Object.entries(samples).map(([name, list]) => [name, round(median(list), 1)])),
  samples: Object.fromEntries(Object.entries(samples).map(([name, list]) => [name, list.map((value) => round(value, 1))])),
  sampleBails: `${bails(htmls)} of ${htmls.length}`,
  ...(values.dir && { corpus: values.dir, corpusBails: `${bails(corpus)} of ${corpus.length}` }),
};
console.log(JSON.stringify(result));
