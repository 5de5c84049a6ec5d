/**
 * Frontier memory without a server: feeds deterministic synthetic links through a seen-set and a frontier store the
 * way the engine does (each "page" taken from depth d yields links; the seen-set's `add` decides which are new; the new
 * ones are pushed at depth d + 1; levels are drained in batches of 64) until `--links` URLs have been discovered, then
 * drains every level (pages found after that yield no links). Reports peak RSS (`process.resourceUsage().maxRSS`) and the largest level.
 *
 *   node --import tsx bench/frontier.ts [--links 2000000] [--links-per-page 50] [--store spilling|memory] [--max-in-memory 100000]
 *
 * `--store memory` runs the in-memory pair (`MemorySeenSet`, `MemoryFrontierStore`) for comparison. Prints one JSON
 * line, then a readable summary.
 */
import { parseArgs } from 'node:util';
import { FingerprintSeenSet } from '../src/storage/fingerprint-seen-set.js';
import { MemoryFrontierStore } from '../src/storage/frontier-store.js';
import type { CrawlRequest, FrontierStore } from '../src/storage/frontier-store.js';
import { MemorySeenSet } from '../src/storage/seen-set.js';
import type { SeenSet } from '../src/storage/seen-set.js';
import { SpillingFrontierStore } from '../src/storage/spilling-frontier-store.js';
import { syntheticUrl, syntheticUrls } from './synthetic-urls.js';

const BATCH = 64;
// One link in five points back at an already discovered URL, as site-wide navigation does.
const REPEAT_EVERY = 5;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      links: { type: 'string', default: '2000000' },
      'links-per-page': { type: 'string', default: '50' },
      store: { type: 'string', default: 'spilling' },
      'max-in-memory': { type: 'string', default: '100000' },
    },
  });
  const maxLinks = Number(values.links);
  const linksPerPage = Number(values['links-per-page']);
  const spilling = values.store === 'spilling';
  const seen: SeenSet = spilling ? new FingerprintSeenSet() : new MemorySeenSet();
  const spillStore = spilling ? new SpillingFrontierStore({ maxInMemory: Number(values['max-in-memory']) }) : undefined;
  const frontier: FrontierStore = spillStore ?? new MemoryFrontierStore();
  const started = performance.now();
  let discovered = 0;
  let linksFed = 0;
  let pages = 0;
  let largestLevel = 0;
  let pseudo = 1;

  await seen.add([syntheticUrl(0)]);
  await frontier.push([{ url: syntheticUrl(0), depth: 0, parent: null }]);
  discovered = 1;
  const levels: number[] = [];
  for (let depth = 0; ; depth++) {
    const size = await frontier.size(depth);
    if (size === 0) break;
    levels.push(size);
    largestLevel = Math.max(largestLevel, size);
    for (;;) {
      const batch: CrawlRequest[] = await frontier.take(depth, BATCH);
      if (batch.length === 0) break;
      for (const page of batch) {
        pages++;
        if (discovered >= maxLinks) continue;
        const fresh = Math.min(linksPerPage - Math.floor(linksPerPage / REPEAT_EVERY), maxLinks - discovered);
        const links = syntheticUrls(discovered, fresh);
        for (let index = 0; index < Math.floor(linksPerPage / REPEAT_EVERY); index++) {
          pseudo = (Math.imul(pseudo, 1103515245) + 12345) >>> 0;
          links.push(syntheticUrl(pseudo % discovered));
        }
        discovered += fresh;
        linksFed += links.length;
        const added = await seen.add(links);
        const requests = links.filter((_, index) => added[index]).map((url) => ({ url, depth: depth + 1, parent: page.url }));
        await frontier.push(requests);
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const directory = await spillStore?.directory();
  await spillStore?.close();
  const result = {
    store: values.store,
    maxInMemory: spilling ? Number(values['max-in-memory']) : null,
    urls: await seen.size(),
    linksFed,
    pages,
    levels,
    largestLevel,
    peakRssMB: Number(((process.resourceUsage().maxRSS * 1024) / 1024 / 1024).toFixed(1)),
    seconds: Number(seconds.toFixed(1)),
    spilled: directory !== undefined,
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.stdout.write(
    `${result.store}: ${result.urls.toLocaleString('en')} URLs discovered from ${linksFed.toLocaleString('en')} links, largest level ${largestLevel.toLocaleString('en')} requests, levels ${levels.join(' / ')}, peak RSS ${result.peakRssMB} MB, ${result.seconds} s\n`,
  );
}

await main();
