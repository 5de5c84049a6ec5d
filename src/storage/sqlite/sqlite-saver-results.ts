import type { Database, Statement } from 'better-sqlite3';
import type { SaverResults } from '../done-set.js';

/**
 * What savers finished once per run (the `saver_results` table of a {@link CrawlStateDb}): the audit's sitemap scan,
 * so a resumed audit does not read the sitemaps again. Writes land in the open transaction.
 */
export class SqliteSaverResults implements SaverResults {
  readonly #select: Statement<[string], string>;
  readonly #upsert: Statement<[string, string, number]>;

  constructor(db: Database) {
    this.#select = db.prepare('SELECT value FROM saver_results WHERE name = ?').pluck() as Statement<[string], string>;
    this.#upsert = db.prepare('INSERT OR REPLACE INTO saver_results (name, value, saved_at) VALUES (?, ?, ?)');
  }

  /** The result stored under `name`, or `undefined`. */
  get(name: string): unknown {
    const text = this.#select.get(name);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  }

  /** Stores a result (JSON-serializable), replacing one of the same name. */
  set(name: string, value: unknown, now = Date.now()): void {
    this.#upsert.run(name, JSON.stringify(value), now);
  }
}
