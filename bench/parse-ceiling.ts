/**
 * The parse ceiling: how many pages per second `parse5.parse` alone handles on one thread. A crawler that parses every
 * page on the main thread cannot beat this, so crawl figures are reported as a ratio to it, measured in the same run.
 *
 *   node --import tsx bench/parse-ceiling.ts --pages 20000 --seed 1 [--sample 2000] [--seconds 5] [--port N]
 *
 * prints one JSON line: `{"ceilingPagesPerSecond":..,"sample":..,"averageBytes":..,"seconds":..}`.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'parse5';
import { generateSite } from './site-generator.js';

/**
 * Parses `htmls` round-robin with `parse5.parse` on the calling thread: a warm-up (a fifth of `seconds`, at most 2 s,
 * and at least one pass over up to 200 pages) so the JIT has settled, then a timed loop of `seconds`.
 *
 * @param htmls - pages to parse; at least one.
 * @param seconds - length of the timed loop. @default 5
 * @returns pages parsed per second in the timed loop.
 * @throws RangeError if `htmls` is empty or `seconds` is not positive.
 */
export function measureParseRate(htmls: readonly string[], seconds = 5): number {
  if (htmls.length === 0) throw new RangeError('Expected at least one page to parse');
  if (!(seconds > 0)) throw new RangeError(`Expected \`seconds\` to be > 0, got ${seconds}`);
  let sink = 0;
  const loop = (durationMs: number, minPages: number): { pages: number; elapsedMs: number } => {
    const started = performance.now();
    let pages = 0;
    let elapsedMs = 0;
    while (elapsedMs < durationMs || pages < minPages) {
      // Keep a value from every document so the parse cannot be optimised away.
      sink += parse(htmls[pages % htmls.length] as string).childNodes.length;
      pages++;
      elapsedMs = performance.now() - started;
    }
    return { pages, elapsedMs };
  };
  loop(Math.min(2_000, (seconds * 1_000) / 5), Math.min(200, htmls.length));
  const { pages, elapsedMs } = loop(seconds * 1_000, 1);
  if (sink < 0) throw new Error('unreachable');
  return pages / (elapsedMs / 1_000);
}

/**
 * Returns `sample` evenly spaced pages of the generated site, as the strings a crawler gets after decoding the bytes
 * the server sends (flat strings, not the generator's concatenation ropes).
 */
export function samplePages(options: { pages: number; seed: number; sample: number; origin?: string }): string[] {
  const site = generateSite(options);
  const count = Math.min(options.sample, options.pages);
  return Array.from({ length: count }, (_, n) => Buffer.from(site.html(Math.floor((n * options.pages) / count)), 'utf8').toString('utf8'));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pages: { type: 'string', default: '20000' },
      seed: { type: 'string', default: '1' },
      sample: { type: 'string', default: '2000' },
      seconds: { type: 'string', default: '5' },
      port: { type: 'string' },
    },
  });
  const origin = values.port === undefined ? undefined : `http://127.0.0.1:${values.port}`;
  const htmls = samplePages({ pages: Number(values.pages), seed: Number(values.seed), sample: Number(values.sample), ...(origin && { origin }) });
  const seconds = Number(values.seconds);
  const ceilingPagesPerSecond = measureParseRate(htmls, seconds);
  const averageBytes = Math.round(htmls.reduce((sum, html) => sum + Buffer.byteLength(html), 0) / htmls.length);
  console.log(JSON.stringify({ ceilingPagesPerSecond: Math.round(ceilingPagesPerSecond * 10) / 10, sample: htmls.length, averageBytes, seconds }));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
