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
 * asked, and paths asked for more often belong to at most `bound` units of work (the units in progress at the kill,
 * each done again once). `unitOf` names the unit a path is fetched by (a redirect target: its source, whose unit
 * follows the redirect); by default each path is its own.
 */
export function expectRefetchesWithin(hits: Map<string, number>, bound: number, clean?: Map<string, number>, unitOf = (path: string) => path): void {
  const again = [...hits].filter(([path, count]) => count > (clean?.get(path) ?? 1));
  for (const [path, count] of again) expect(count, path).toBeLessThanOrEqual(2 * (clean?.get(path) ?? 1));
  expect(new Set(again.map(([path]) => unitOf(path))).size, JSON.stringify(again)).toBeLessThanOrEqual(bound);
}
