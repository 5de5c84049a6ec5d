import type { Database, Statement } from 'better-sqlite3';
import type { DoneSet, DownloadLog, ImageDone, ImageWrite, LinkCheckDone, LoggedDownload } from '../done-set.js';

export type { ImageDone, ImageWrite, LinkCheckDone } from '../done-set.js';

/**
 * Images a run is done with (the `saved_images` table of a {@link CrawlStateDb}), so a resumed run downloads none of
 * them again. An entry added drops the URL's entry in `image_writes` (see {@link SqliteImageWrites}). Writes land in
 * the open transaction: the run commits them within the turn.
 */
export class SqliteImageDoneSet implements DoneSet<ImageDone> {
  readonly #select: Statement<[string], { url: string; outcome: string; sha256: string | null; file: string | null }>;
  readonly #upsert: Statement<[string, string, string | null, string | null, number]>;
  readonly #dropWrite: Statement<[string]>;
  readonly #count: Statement<[], number>;
  readonly #countOutcome: Statement<[string], number>;

  constructor(db: Database) {
    this.#select = db.prepare('SELECT url, outcome, sha256, file FROM saved_images WHERE url = ?');
    this.#upsert = db.prepare('INSERT OR REPLACE INTO saved_images (url, outcome, sha256, file, saved_at) VALUES (?, ?, ?, ?, ?)');
    this.#dropWrite = db.prepare('DELETE FROM image_writes WHERE url = ?');
    this.#count = db.prepare('SELECT count(*) FROM saved_images').pluck() as Statement<[], number>;
    this.#countOutcome = db.prepare('SELECT count(*) FROM saved_images WHERE outcome = ?').pluck() as Statement<[string], number>;
  }

  /** The entry of `url`, or `undefined` when the run is not done with it. */
  get(url: string): ImageDone | undefined {
    return this.#select.get(url);
  }

  /** Records entries (a later entry for the same URL replaces the earlier). */
  add(entries: readonly ImageDone[], now = Date.now()): void {
    for (const entry of entries) {
      this.#upsert.run(entry.url, entry.outcome, entry.sha256, entry.file, now);
      this.#dropWrite.run(entry.url);
    }
  }

  /** Entries stored; with `outcome`, those of that outcome only. */
  size(outcome?: string): number {
    return (outcome === undefined ? this.#count.get() : this.#countOutcome.get(outcome)) ?? 0;
  }
}

/**
 * Image files being put in place whose outcome is not in `saved_images` yet (the `image_writes` table of a
 * {@link CrawlStateDb}), each with its manifest record: a resume adopts those whose file is in place. Writes land in
 * the open transaction: the run commits each entry at once (`SaverState.imageWrites`).
 */
export class SqliteImageWrites {
  readonly #upsert: Statement<[string, string, string, number]>;
  readonly #all: Statement<[], { url: string; file: string; record: string }>;

  constructor(db: Database) {
    this.#upsert = db.prepare('INSERT OR REPLACE INTO image_writes (url, file, record, started_at) VALUES (?, ?, ?, ?)');
    this.#all = db.prepare('SELECT url, file, record FROM image_writes ORDER BY started_at, url');
  }

  /** Records that `entry.file` is about to be written (a later entry for the same URL replaces the earlier). */
  add(entry: ImageWrite, now = Date.now()): void {
    this.#upsert.run(entry.url, entry.file, JSON.stringify(entry.record), now);
  }

  /** The entries whose image has no done-entry yet, oldest first. */
  entries(): ImageWrite[] {
    return this.#all.all().map((row) => ({ url: row.url, file: row.file, record: JSON.parse(row.record) as Record<string, unknown> }));
  }
}

/**
 * Links the audit has checked, with their outcome (the `link_checks` table of a {@link CrawlStateDb}), so a resumed
 * audit checks none of them again and still reports them. Writes land in the open transaction.
 */
export class SqliteLinkCheckDoneSet implements DoneSet<LinkCheckDone> {
  readonly #select: Statement<[string], { url: string; outcome: string; status: number | null; result: string | null }>;
  readonly #upsert: Statement<[string, string, number | null, string, number]>;
  readonly #count: Statement<[], number>;
  readonly #countOutcome: Statement<[string], number>;

  constructor(db: Database) {
    this.#select = db.prepare('SELECT url, outcome, status, result FROM link_checks WHERE url = ?');
    this.#upsert = db.prepare('INSERT OR REPLACE INTO link_checks (url, outcome, status, result, checked_at) VALUES (?, ?, ?, ?, ?)');
    this.#count = db.prepare('SELECT count(*) FROM link_checks').pluck() as Statement<[], number>;
    this.#countOutcome = db.prepare('SELECT count(*) FROM link_checks WHERE outcome = ?').pluck() as Statement<[string], number>;
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

  /** Entries stored; with `outcome`, those of that outcome only. */
  size(outcome?: string): number {
    return (outcome === undefined ? this.#count.get() : this.#countOutcome.get(outcome)) ?? 0;
  }
}

interface DownloadRow {
  page: string;
  depth: number;
  kind: string;
  url: string;
  data: string | null;
}

/**
 * The downloads of the pages a run committed as done (the `downloads` table of a {@link CrawlStateDb}), in order:
 * handed to the savers again when the run is resumed. Writes land in the open transaction.
 */
export class SqliteDownloadLog implements DownloadLog {
  readonly #insert: Statement<[string, number, string, string, string | null]>;
  readonly #all: Statement<[], DownloadRow>;

  constructor(db: Database) {
    this.#insert = db.prepare('INSERT INTO downloads (page, depth, kind, url, data) VALUES (?, ?, ?, ?, ?)');
    this.#all = db.prepare('SELECT page, depth, kind, url, data FROM downloads ORDER BY id');
  }

  /** Records downloads. */
  add(entries: readonly LoggedDownload[]): void {
    for (const entry of entries) this.#insert.run(entry.page, entry.depth, entry.kind, entry.url, entry.data === undefined ? null : JSON.stringify(entry.data));
  }

  /** Every download recorded, in order; read into memory at once (the connection cannot write while a read is open). */
  entries(): LoggedDownload[] {
    return this.#all.all().map((row) => ({
      page: row.page,
      depth: row.depth,
      kind: row.kind,
      url: row.url,
      ...(row.data === null ? {} : { data: JSON.parse(row.data) as Record<string, unknown> }),
    }));
  }
}
