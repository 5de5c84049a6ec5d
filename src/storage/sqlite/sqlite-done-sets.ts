import type { Database, Statement } from 'better-sqlite3';

/** One image URL the image saver is done with. */
export interface ImageDone {
  url: string;
  /** `saved`, or the code of why not (`too-small`, `http-404`, ...). */
  outcome: string;
  /** SHA-256 of the saved content, hex; `null` when not saved. */
  sha256: string | null;
  /** The file, relative to the output directory; `null` when not saved. */
  file: string | null;
}

/** One URL the audit's link checker is done with. */
export interface LinkCheckDone {
  url: string;
  /** The verdict (`ok`, `broken`, `unverifiable`, ...). */
  outcome: string;
  /** Status of the last answer; `null` when none came. */
  status: number | null;
  /** The checker's full result (redirects, anchors, ...), JSON-serializable, so a resumed report is complete. */
  result: unknown;
}

/**
 * Images a run is done with (the `saved_images` table of a {@link CrawlStateDb}), so a resumed run downloads none of
 * them again. Writes land in the open transaction, so commit them with the batch of pages they came from.
 */
export class SqliteImageDoneSet {
  readonly #select: Statement<[string], { url: string; outcome: string; sha256: string | null; file: string | null }>;
  readonly #upsert: Statement<[string, string, string | null, string | null, number]>;
  readonly #count: Statement<[], number>;

  constructor(db: Database) {
    this.#select = db.prepare('SELECT url, outcome, sha256, file FROM saved_images WHERE url = ?');
    this.#upsert = db.prepare('INSERT OR REPLACE INTO saved_images (url, outcome, sha256, file, saved_at) VALUES (?, ?, ?, ?, ?)');
    this.#count = db.prepare('SELECT count(*) FROM saved_images').pluck() as Statement<[], number>;
  }

  /** The entry of `url`, or `undefined` when the run is not done with it. */
  get(url: string): ImageDone | undefined {
    return this.#select.get(url);
  }

  /** Records entries (a later entry for the same URL replaces the earlier). */
  add(entries: readonly ImageDone[], now = Date.now()): void {
    for (const entry of entries) this.#upsert.run(entry.url, entry.outcome, entry.sha256, entry.file, now);
  }

  /** Entries stored. */
  size(): number {
    return this.#count.get() ?? 0;
  }
}

/**
 * Links the audit has checked, with their outcome (the `link_checks` table of a {@link CrawlStateDb}), so a resumed
 * audit checks none of them again and still reports them. Writes land in the open transaction.
 */
export class SqliteLinkCheckDoneSet {
  readonly #select: Statement<[string], { url: string; outcome: string; status: number | null; result: string | null }>;
  readonly #upsert: Statement<[string, string, number | null, string, number]>;
  readonly #count: Statement<[], number>;

  constructor(db: Database) {
    this.#select = db.prepare('SELECT url, outcome, status, result FROM link_checks WHERE url = ?');
    this.#upsert = db.prepare('INSERT OR REPLACE INTO link_checks (url, outcome, status, result, checked_at) VALUES (?, ?, ?, ?, ?)');
    this.#count = db.prepare('SELECT count(*) FROM link_checks').pluck() as Statement<[], number>;
  }

  /** The entry of `url`, or `undefined` when it was not checked. */
  get(url: string): LinkCheckDone | undefined {
    const row = this.#select.get(url);
    return row && { url: row.url, outcome: row.outcome, status: row.status, result: row.result === null ? null : (JSON.parse(row.result) as unknown) };
  }

  /** Records entries (a later entry for the same URL replaces the earlier). */
  add(entries: readonly LinkCheckDone[], now = Date.now()): void {
    for (const entry of entries) this.#upsert.run(entry.url, entry.outcome, entry.status, JSON.stringify(entry.result ?? null), now);
  }

  /** Entries stored. */
  size(): number {
    return this.#count.get() ?? 0;
  }
}
