import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, test } from '../helpers/fixtures.js';
import { crawlToArray } from '../helpers/crawl.js';

// A forced full GC, without starting node with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function usedBytes(): number {
  gc();
  gc();
  const memory = process.memoryUsage();
  return memory.heapUsed + memory.arrayBuffers;
}

test('page bodies are freed after processing: what the crawl keeps holds no page alive', async ({ site }) => {
  const pageCount = 24;
  const filler = `<p>${'lorem ipsum dolor sit amet '.repeat(40_000)}</p>`; // about 1 MB per page
  const links = Array.from({ length: pageCount }, (_, index) => `/p${index}`);
  site.page('/', links, { title: 'home' });
  for (const path of links) site.page(path, [], { title: `title of ${path}`, body: filler, head: '<meta name="description" content="kept">' });
  const before = usedBytes();
  // Records, titles and link texts are all kept (in memory datasets) while the bodies pass through.
  const result = await crawlToArray(site.url('/'), { maxBytes: 4 * 1024 * 1024 });
  const retained = usedBytes() - before;
  expect(result.pages).toHaveLength(pageCount + 1);
  expect(result.records.filter((record) => record['type'] === 'title')).toHaveLength(pageCount + 1);
  // 24 MB of HTML went through; a kept string that sliced a body would pin a whole megabyte each.
  expect(retained).toBeLessThan(4 * 1024 * 1024);
});
