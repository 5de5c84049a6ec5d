import { realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database as Connection } from 'better-sqlite3';
import { StateError } from '../../errors.js';
import type { StateErrorCode } from '../../errors.js';
import type { CrawlRequest } from '../frontier-store.js';
import { SCHEMA_VERSION, createSchema, readSchemaVersion, upgradeSchema } from './schema.js';
import { SqliteCounters } from './sqlite-counters.js';
import type { ImageDone, LinkCheckDone, LoggedDownload } from '../done-set.js';
import { SqliteDownloadLog, SqliteImageDoneSet, SqliteImageWrites, SqliteLinkCheckDoneSet } from './sqlite-done-sets.js';
import { SqliteFrontierStore } from './sqlite-frontier-store.js';
import { SqliteRedirectClaims } from './sqlite-redirect-claims.js';
import { SqliteRobotsStore } from './sqlite-robots-store.js';
import { SqliteRunMeta } from './sqlite-run-meta.js';
import { SqliteSaverResults } from './sqlite-saver-results.js';
import { SqliteSeenSet } from './sqlite-seen-set.js';
import { checkStateFile } from './state-file-check.js';

/**
 * better-sqlite3 (a native addon), loaded on the first open: a crawl that keeps no state never loads it (issue 15: a
 * plain `sitecrawl crawl` reaches its first request sooner). Loaded with `require`, as it is a CommonJS module and
 * `open` is synchronous.
 */
function loadSqlite(): typeof BetterSqlite3 {
  return createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
}

/** What one settled batch of pages changed, written and committed together by {@link CrawlStateDb.commitBatch}. */
export interface StateBatch {
  /** URLs taken from the frontier whose pages are fetched and recorded: marked `done`. */
  done?: readonly string[];
  /** Requests discovered: each enters the seen-set, and those new to it enter the frontier. */
  admitted?: readonly CrawlRequest[];
  /** The depth being crawled. */
  depth?: number;
  /** Images the saver is done with. */
  images?: readonly ImageDone[];
  /** Links the audit checked. */
  linkChecks?: readonly LinkCheckDone[];
  /** The downloads the `done` pages asked for. */
  downloads?: readonly LoggedDownload[];
}

/** What {@link CrawlStateDb.commitBatch} did. */
export interface CommittedBatch {
  /** The admitted requests that were new and entered the frontier. */
  queued: CrawlRequest[];
  /** The `done` URLs that were in flight and are now marked done. */
  done: number;
}

/**
 * State files this process has open, by resolved path. POSIX drops every lock a process holds on a file when the
 * process closes *any* descriptor of that file, so a second open here (even the header check's read) would release
 * the first one's lock: this set refuses it before the file is touched.
 */
const openHere = new Set<string>();

// A page cache large enough for the frontier's index pages and the seen table's leaves a batch touches.
const CACHE_KIB = 32 * 1024;

/**
 * The persisted state of one crawl, in one SQLite file (`OUT/state.db`): the frontier, the seen-set, the counters,
 * the run's options and depth, robots.txt per origin and the savers' done-sets, each behind its own small store.
 *
 * **Transactions.** A write transaction is always open: every store writes into it, and {@link commitBatch} (or
 * {@link commit}) makes everything written since the last commit durable at once, then opens the next one. Commit
 * once per settled batch of pages: a process killed at any moment leaves every committed batch and nothing of the
 * batch in progress. The file is in WAL mode with `synchronous=NORMAL`: a commit is an append to the WAL, and a power
 * loss (not a process kill) may lose the last commits but never corrupts the file.
 *
 * **One process at a time.** The connection uses `locking_mode=EXCLUSIVE` and takes the write lock on open, holding it
 * until {@link close}; the operating system releases it when the process dies, so a killed run never leaves a stale
 * lock. While it is held, the file cannot be read by another process (the `sqlite3` shell included), and a second
 * open in the same process is refused too; nothing else in the process should open the file meanwhile, since closing
 * any descriptor of a file drops the process's POSIX locks on it.
 *
 * Everything is synchronous (better-sqlite3): a batch is written without yielding to the event loop.
 */
export class CrawlStateDb {
  /** The file's path. */
  readonly path: string;
  /** Whether this open created the tables (a new state rather than one to resume). */
  readonly isNew: boolean;
  readonly frontier: SqliteFrontierStore;
  readonly seen: SqliteSeenSet;
  readonly counters: SqliteCounters;
  readonly run: SqliteRunMeta;
  readonly robots: SqliteRobotsStore;
  readonly images: SqliteImageDoneSet;
  readonly imageWrites: SqliteImageWrites;
  readonly linkChecks: SqliteLinkCheckDoneSet;
  readonly downloads: SqliteDownloadLog;
  readonly redirectClaims: SqliteRedirectClaims;
  readonly saverResults: SqliteSaverResults;
  readonly #db: Connection;
  readonly #key: string;
  #closed = false;

  private constructor(path: string, db: Connection, isNew: boolean, key: string) {
    this.path = path;
    this.#db = db;
    this.#key = key;
    this.isNew = isNew;
    this.frontier = new SqliteFrontierStore(db);
    this.seen = new SqliteSeenSet(db);
    this.counters = new SqliteCounters(db);
    this.run = new SqliteRunMeta(db);
    this.robots = new SqliteRobotsStore(db);
    this.images = new SqliteImageDoneSet(db);
    this.imageWrites = new SqliteImageWrites(db);
    this.linkChecks = new SqliteLinkCheckDoneSet(db);
    this.downloads = new SqliteDownloadLog(db);
    this.redirectClaims = new SqliteRedirectClaims(db);
    this.saverResults = new SqliteSaverResults(db);
  }

  /**
   * Opens the state file at `path`, creating it (and its tables) when missing, and loads what the stores keep in
   * memory; requests left in flight by a killed process are queued again. The directory must exist.
   * @throws StateError `state-locked` when another process (or another open in this one) holds the file,
   *   `state-corrupt` when it is not a whole SQLite database, `state-incompatible` when its schema version differs
   *   (a version 2 file is upgraded to 3 in place: it only lacks `image_writes`).
   *   The file is left untouched in each case.
   */
  static open(path: string): CrawlStateDb {
    const key = join(realpathSync(dirname(path)), basename(path));
    if (openHere.has(key)) throw new StateError('state-locked', path, `The crawl state ${path} is already open in this process.`);
    const problem = checkStateFile(path);
    if (problem) throw new StateError('state-corrupt', path, `The crawl state ${path} is damaged: ${problem}. Move it away to start afresh.`);
    let db: Connection | undefined;
    try {
      // No busy wait: the lock is held for a whole run, so waiting would only delay the error.
      db = new (loadSqlite())(path, { timeout: 0 });
      // Exclusive before WAL, so the WAL index lives in the heap and no -shm file is made.
      db.pragma('locking_mode = EXCLUSIVE');
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`SQLite refused WAL mode (journal_mode is ${String(mode)})`);
      db.pragma('synchronous = NORMAL');
      db.pragma(`cache_size = -${CACHE_KIB}`);
      db.exec('BEGIN IMMEDIATE');
      const version = readSchemaVersion(db);
      if (version === undefined) createSchema(db);
      else if (version === -1) throw new StateError('state-incompatible', path, `${path} is a SQLite database but not a sitecrawl crawl state.`);
      else if (version !== SCHEMA_VERSION && !upgradeSchema(db, version))
        throw new StateError('state-incompatible', path, `The crawl state ${path} has schema version ${version}; this sitecrawl reads version ${SCHEMA_VERSION}.`);
      const state = new CrawlStateDb(path, db, version === undefined, key);
      state.commit();
      openHere.add(key);
      return state;
    } catch (error) {
      try {
        if (db?.inTransaction) db.exec('ROLLBACK');
      } finally {
        db?.close();
      }
      throw toStateError(error, path);
    }
  }

  /**
   * Writes one settled batch and commits it together with everything the stores wrote since the last commit and the
   * counters, then opens the next transaction. Either all of it is durable or, after a crash, none of it.
   */
  commitBatch(batch: StateBatch = {}): CommittedBatch {
    this.#assertOpen();
    let queued: CrawlRequest[] = [];
    if (batch.admitted?.length) {
      const added = this.seen.add(batch.admitted.map((request) => request.url));
      queued = batch.admitted.filter((_, index) => added[index]);
      this.frontier.push(queued);
    }
    const done = batch.done?.length ? this.frontier.markDone(batch.done) : 0;
    if (batch.images?.length) this.images.add(batch.images);
    if (batch.linkChecks?.length) this.linkChecks.add(batch.linkChecks);
    if (batch.downloads?.length) this.downloads.add(batch.downloads);
    if (batch.depth !== undefined) this.run.setDepth(batch.depth);
    this.commit();
    return { queued, done };
  }

  /** Commits everything written since the last commit (counters included) and opens the next transaction. */
  commit(): void {
    this.#assertOpen();
    this.seen.flush();
    this.counters.flush();
    this.#db.exec('COMMIT');
    this.#db.exec('BEGIN IMMEDIATE');
  }

  /**
   * Commits what is pending, checkpoints the WAL into the main file and closes the connection, releasing the lock.
   * Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.seen.flush();
      this.counters.flush();
      this.#db.exec('COMMIT');
    } finally {
      this.#db.close();
      openHere.delete(this.#key);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error(`The crawl state ${this.path} is closed`);
  }
}

const LOCKED = /^SQLITE_(BUSY|LOCKED)/;
const CORRUPT = /^SQLITE_(CORRUPT|NOTADB)/;

/** Maps the driver's lock and corruption errors to typed {@link StateError}s; others pass through. */
function toStateError(error: unknown, path: string): unknown {
  if (error instanceof StateError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error;
  const stateCode: StateErrorCode | undefined = LOCKED.test(code) ? 'state-locked' : CORRUPT.test(code) ? 'state-corrupt' : undefined;
  if (!stateCode) return error;
  const message =
    stateCode === 'state-locked'
      ? `The crawl state ${path} is in use by another sitecrawl process (one run per output directory).`
      : `The crawl state ${path} is damaged (${(error as Error).message}). Move it away to start afresh.`;
  return new StateError(stateCode, path, message, { cause: error });
}
