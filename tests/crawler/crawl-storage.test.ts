import { readdir } from 'node:fs/promises';
import { FingerprintSeenSet } from '../../src/storage/fingerprint-seen-set.js';
import { MemoryFrontierStore } from '../../src/storage/frontier-store.js';
import { MemorySeenSet } from '../../src/storage/seen-set.js';
import { SpillingFrontierStore } from '../../src/storage/spilling-frontier-store.js';
import { crawlToArray } from '../helpers/crawl.js';
import type { Site } from '../helpers/site.js';
import { describe, expect, test } from '../helpers/fixtures.js';

// A tree five wide and three deep whose pages also link back up and across, so the seen-set has work to do.
function tree(site: Site): void {
  const children = (path: string) => [0, 1, 2, 3, 4].map((n) => `${path === '/' ? '' : path}/${n}`);
  const add = (path: string, depth: number) => {
    const links = depth < 3 ? children(path) : [];
    site.page(path, [...links, '/', '/0']);
    for (const link of links) add(link, depth + 1);
  };
  add('/', 0);
}

const pageDepths = (pages: readonly { url: string; depth: number }[]) => pages.map((page) => `${new URL(page.url).pathname}@${page.depth}`).sort();

describe('crawling through the bounded-memory stores', () => {
  test('a frontier spilling past one request per depth crawls the same pages at the same depths', async ({ site, tmp }) => {
    tree(site);
    const frontierStore = new SpillingFrontierStore({ dir: tmp, maxInMemory: 1, readChunkBytes: 128 });
    const spilled = await crawlToArray(site.url('/'), { frontierStore, seenSet: new FingerprintSeenSet({ initialCapacity: 16 }), maxDepth: 3 });
    const reference = await crawlToArray(site.url('/'), { frontierStore: new MemoryFrontierStore(), seenSet: new MemorySeenSet(), maxDepth: 3 });
    expect(spilled.pages).toHaveLength(1 + 5 + 25 + 125);
    expect(pageDepths(spilled.pages)).toEqual(pageDepths(reference.pages));
    expect([spilled.summary.seen, spilled.summary.skipped['seen']]).toEqual([reference.summary.seen, reference.summary.skipped['seen']]);
    // A store passed in is the caller's: the run leaves it open.
    expect(await frontierStore.directory()).toBeDefined();
    await frontierStore.close();
    expect(await readdir(tmp)).toEqual([]);
  });

  test('the default stores crawl the tree', async ({ site }) => {
    tree(site);
    const { pages, summary } = await crawlToArray(site.url('/'), { maxDepth: 2 });
    expect(pageDepths(pages)).toHaveLength(31);
    expect([summary.seen, summary.skipped['seen']]).toEqual([31, 1 + 5 * 2]);
  });
});
