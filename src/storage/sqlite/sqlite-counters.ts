import type { Database, Statement } from 'better-sqlite3';
import type { RunCounters } from '../counters.js';

/**
 * The run's counters, kept in memory (increments are on the engine's hot path) and written to the `counters` table
 * of a {@link CrawlStateDb} by {@link flush}, which the database calls in every commit, so the stored values always
 * match the committed pages. Loaded back when the file is opened again. Built by {@link CrawlStateDb.open}.
 */
export class SqliteCounters implements RunCounters {
  readonly #values = new Map<string, number>();
  readonly #dirty = new Set<string>();
  readonly #upsert: Statement<[string, number]>;

  constructor(db: Database) {
    this.#upsert = db.prepare('INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
    for (const [name, value] of db.prepare('SELECT name, value FROM counters').raw().all() as [string, number][]) this.#values.set(name, value);
  }

  /** Adds `by` (default 1) to the named counter. */
  increment(name: string, by = 1): void {
    this.#values.set(name, (this.#values.get(name) ?? 0) + by);
    this.#dirty.add(name);
  }

  /** The value of one counter (0 when never incremented). */
  get(name: string): number {
    return this.#values.get(name) ?? 0;
  }

  /** All counters at this moment. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#values);
  }

  /** Writes the counters changed since the last flush; called by the database inside its commit. */
  flush(): void {
    for (const name of this.#dirty) this.#upsert.run(name, this.#values.get(name) ?? 0);
    this.#dirty.clear();
  }
}
