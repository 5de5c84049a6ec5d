import type { Site } from './site.js';

/**
 * Serves a site of `1 + fanout + fanout^2 + fanout^2 * leaves` pages over three levels below `/`: `/` links to
 * `/a0..`, each `/aI` to `/aI/b0..`, each of those to `leaves` pages `/aI/bJ/c0..`, and every page links back to `/`
 * and to its first sibling, so the seen-set has work to do. Returns the number of pages.
 */
export function treeSite(site: Site, fanout = 10, leaves = 3): number {
  const range = (count: number) => Array.from({ length: count }, (_, index) => index);
  site.page('/', range(fanout).map((i) => `/a${i}`));
  let pages = 1;
  for (const i of range(fanout)) {
    site.page(`/a${i}`, [...range(fanout).map((j) => `/a${i}/b${j}`), '/', '/a0']);
    pages++;
    for (const j of range(fanout)) {
      site.page(`/a${i}/b${j}`, [...range(leaves).map((k) => `/a${i}/b${j}/c${k}`), '/', `/a${i}/b0`]);
      pages++;
      for (const k of range(leaves)) {
        site.page(`/a${i}/b${j}/c${k}`, ['/', `/a${i}/b${j}/c0`]);
        pages++;
      }
    }
  }
  return pages;
}

/** The URL, depth and parent of each line of a pages.jsonl text, sorted by URL. */
export function pageKeys(text: string): { url: string; depth: number; parent: string | null }[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { url: string; depth: number; parent: string | null })
    .map(({ url, depth, parent }) => ({ url, depth, parent }))
    .sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
}
