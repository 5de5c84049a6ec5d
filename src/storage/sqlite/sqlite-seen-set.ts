import type { Database, Statement } from 'better-sqlite3';
import { endianness } from 'node:os';
import { FingerprintSeenSet } from '../fingerprint-seen-set.js';
import { fingerprint64 } from '../fingerprint.js';
import type { SeenSet } from '../seen-set.js';

/** Fingerprints per stored row at most: 512 KiB blobs. */
const MAX_PER_ROW = 65536;

/**
 * The seen-set as the 64-bit fingerprints of its URLs ({@link fingerprint64}), kept in memory in a
 * {@link FingerprintSeenSet} (11 to 21 bytes a URL), which answers every `has` and `add`, and logged to the `seen`
 * table of a {@link CrawlStateDb}: each commit appends one row whose blob holds the fingerprints added since the last
 * one (8 bytes a URL on disk), written by {@link flush}, which the database calls in every commit.
 *
 * Why memory: the engine asks `has` and `add` for every link of every page (50 or more), most of them already seen;
 * the table answers in tens of nanoseconds where a query costs microseconds. Why a log of blobs: a row per URL keyed
 * by fingerprint would dirty a random B-tree page per new URL (about 400 KB of WAL for 100 new URLs), and reading
 * 1,000,000 rows back costs about a CPU second; one blob per commit is one append, and 1,000,000 fingerprints load in
 * a few dozen milliseconds. Why fingerprints rather than URL strings: 8 bytes instead of about 80 on disk, 16 MiB
 * instead of about 100 MB in memory; the frontier keeps the URLs themselves. The collision trade-off is the same as
 * the default {@link FingerprintSeenSet}'s (a collision skips one URL, never fetches one twice).
 *
 * Built by {@link CrawlStateDb.open}; everything is synchronous.
 */
export class SqliteSeenSet implements SeenSet {
  readonly #memory: FingerprintSeenSet;
  readonly #insert: Statement<[Buffer]>;
  readonly #scratch = new Uint32Array(2);
  /** `[hi, lo, hi, lo, ...]` added since the last flush. */
  #pending: number[] = [];

  /** Loads every stored fingerprint into memory. */
  constructor(db: Database) {
    // The blobs are the bytes of a Uint32Array: little-endian, as on every platform Node supports today.
    if (endianness() !== 'LE') throw new Error('SqliteSeenSet needs a little-endian machine');
    this.#insert = db.prepare('INSERT INTO seen (fingerprints) VALUES (?)');
    const bytes = (db.prepare('SELECT coalesce(sum(length(fingerprints)), 0) FROM seen').pluck().get() as number) ?? 0;
    this.#memory = new FingerprintSeenSet({ initialCapacity: Math.ceil(Math.max(bytes / 8, 1024) / 0.75) });
    for (const blob of db.prepare('SELECT fingerprints FROM seen ORDER BY id').pluck().iterate() as IterableIterator<Buffer>) {
      // Copied into a fresh buffer: the blob's offset in its pool need not be a multiple of 4.
      const words = new Uint32Array(new Uint8Array(blob).buffer);
      for (let index = 0; index + 1 < words.length; index += 2) this.#memory.addFingerprint(words[index] as number, words[index + 1] as number);
    }
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
      this.#pending.push(hi, lo);
      return true;
    });
  }

  /** Distinct fingerprints in the set. */
  size(): number {
    return this.#memory.size();
  }

  /** Appends the fingerprints added since the last flush to the table; called by the database inside its commit. */
  flush(): void {
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    for (let start = 0; start < pending.length; start += MAX_PER_ROW * 2) {
      const words = Uint32Array.from(pending.slice(start, start + MAX_PER_ROW * 2));
      this.#insert.run(Buffer.from(words.buffer, words.byteOffset, words.byteLength));
    }
  }
}
