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
 * Checks the in-flight bound over a killed run and its resume: every path of `expected` requested, none more than
 * twice, at most `bound` twice; `never` lists paths that must not be requested twice at all.
 */
export function expectRefetchesWithin(hits: Map<string, number>, bound: number, never: (path: string) => boolean = () => false): void {
  const twice = [...hits].filter(([, count]) => count > 1);
  for (const [, count] of twice) expect(count).toBe(2);
  expect(twice.length).toBeLessThanOrEqual(bound);
  expect(twice.filter(([path]) => never(path))).toEqual([]);
}
