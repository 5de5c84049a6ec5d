import { CrawlStateDb } from '../../src/storage/sqlite/crawl-state-db.js';
import { expect } from './fixtures.js';
import type { Site } from './site.js';

/** Requests per path since request number `from`. */
export function hitsSince(site: Site, from: number): Map<string, number> {
  const hits = new Map<string, number>();
  for (const request of site.requests.slice(from)) hits.set(request.path, (hits.get(request.path) ?? 0) + 1);
  return hits;
}

/** The status stored in a state file (`running`, `finished`, `interrupted`). */
export function stateStatus(path: string): string | undefined {
  const db = CrawlStateDb.open(path);
  try {
    return db.run.get()?.status;
  } finally {
    db.close();
  }
}

/**
 * Checks the in-flight bound over a killed run and its resume: `hits` are their requests per path, `clean` those of an
 * uninterrupted run (one per path when not given). No path is asked for more than twice as often as the clean run
 * asked, and at most `bound` paths more often at all (the requests in flight at the kill, each made again once).
 */
export function expectRefetchesWithin(hits: Map<string, number>, bound: number, clean?: Map<string, number>): void {
  const again = [...hits].filter(([path, count]) => count > (clean?.get(path) ?? 1));
  for (const [path, count] of again) expect(count, path).toBeLessThanOrEqual(2 * (clean?.get(path) ?? 1));
  expect(again.length, JSON.stringify(again)).toBeLessThanOrEqual(bound);
}
