import type { Database, Statement } from 'better-sqlite3';
import { FingerprintSeenSet } from '../fingerprint-seen-set.js';
import { fingerprint64 } from '../fingerprint.js';
import type { SeenSet } from '../seen-set.js';

/**
 * The seen-set as the 64-bit fingerprints of its URLs ({@link fingerprint64}), in the `seen` table of a
 * {@link CrawlStateDb} (an append-only log of integers, about 12 bytes a URL on disk) and mirrored in a
 * {@link FingerprintSeenSet} in memory (11 to 21 bytes a URL), which answers every `has` and `add`.
 *
 * Why both: the engine asks `has` and `add` for every link of every page (50 or more), most of them already seen; the
 * memory table answers in tens of nanoseconds where a query costs microseconds, and only new URLs cost a write, an
 * append (the table has no index: keyed by fingerprint, 100 new URLs would dirty about 100 random B-tree pages per
 * commit, 400 KB of WAL, where appends dirty one or two). Why
 * fingerprints rather than URL strings: opening a state of 1,000,000 URLs reads 1,000,000 integers (well under a second)
 * into 16 MiB, where the strings would take about 100 MB of heap; the frontier keeps the URLs themselves. The collision
 * trade-off is the same as the default {@link FingerprintSeenSet}'s (a collision skips one URL, never fetches one twice).
 *
 * Writes land in the database's open transaction and become durable at its next commit. Built by
 * {@link CrawlStateDb.open}; everything is synchronous.
 */
export class SqliteSeenSet implements SeenSet {
  readonly #memory: FingerprintSeenSet;
  readonly #insert: Statement<[number, number]>;
  readonly #scratch = new Uint32Array(2);

  /** Loads every stored fingerprint into memory. */
  constructor(db: Database) {
    // The halves come out as plain numbers (no BigInt) and go back in the same way: SQLite does the 64-bit arithmetic.
    this.#insert = db.prepare('INSERT INTO seen (fingerprint) VALUES ((? << 32) | ?)');
    const count = db.prepare('SELECT count(*) FROM seen').pluck().get() as number;
    this.#memory = new FingerprintSeenSet({ initialCapacity: Math.ceil(Math.max(count, 1024) / 0.75) });
    const rows = db.prepare('SELECT (fingerprint >> 32) & 4294967295, fingerprint & 4294967295 FROM seen').raw().iterate() as IterableIterator<[number, number]>;
    for (const [hi, lo] of rows) this.#memory.addFingerprint(hi, lo);
  }

  /** For each URL, whether its fingerprint is in the set. */
  has(urls: readonly string[]): boolean[] {
    return this.#memory.has(urls);
  }

  /** Adds the URLs in order; for each, `true` when its fingerprint was not there before. */
  add(urls: readonly string[]): boolean[] {
    const scratch = this.#scratch;
    return urls.map((url) => {
      fingerprint64(url, scratch);
      const hi = scratch[0] as number;
      const lo = scratch[1] as number;
      if (!this.#memory.addFingerprint(hi, lo)) return false;
      this.#insert.run(hi, lo);
      return true;
    });
  }

  /** Distinct fingerprints in the set. */
  size(): number {
    return this.#memory.size();
  }
}
