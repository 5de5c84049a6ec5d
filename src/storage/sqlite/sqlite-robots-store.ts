import type { Database, Statement } from 'better-sqlite3';

/**
 * What a run learned of one origin's robots.txt: the answer (status and body, or the network error) and the
 * Crawl-delay in force, so a resumed run neither fetches it again nor forgets to wait.
 */
export interface StoredRobots {
  /** HTTP status of the robots.txt answer; `null` when none came. */
  status: number | null;
  /** The body as read (already capped by the fetcher); `null` when none. */
  body: string | null;
  /** Code of the network error when the fetch failed. */
  error: string | null;
  /** The Crawl-delay applied to the origin, in milliseconds; `null` when none. */
  crawlDelayMs: number | null;
  /** When it was fetched, in milliseconds since the epoch. */
  fetchedAt: number;
}

interface RobotsRow {
  status: number | null;
  body: string | null;
  error: string | null;
  crawl_delay_ms: number | null;
  fetched_at: number;
}

/** The `robots` table of a {@link CrawlStateDb}, one row per origin. Writes land in the open transaction. */
export class SqliteRobotsStore {
  readonly #select: Statement<[string], RobotsRow>;
  readonly #upsert: Statement<[string, number | null, string | null, string | null, number | null, number]>;

  constructor(db: Database) {
    this.#select = db.prepare('SELECT status, body, error, crawl_delay_ms, fetched_at FROM robots WHERE origin = ?');
    this.#upsert = db.prepare('INSERT OR REPLACE INTO robots (origin, status, body, error, crawl_delay_ms, fetched_at) VALUES (?, ?, ?, ?, ?, ?)');
  }

  /** What is stored for `origin` (`https://host:port`), or `undefined`. */
  get(origin: string): StoredRobots | undefined {
    const row = this.#select.get(origin);
    if (!row) return undefined;
    return { status: row.status, body: row.body, error: row.error, crawlDelayMs: row.crawl_delay_ms, fetchedAt: row.fetched_at };
  }

  /** Stores (or replaces) what was learned of `origin`. */
  put(origin: string, robots: StoredRobots): void {
    this.#upsert.run(origin, robots.status, robots.body, robots.error, robots.crawlDelayMs, robots.fetchedAt);
  }
}
