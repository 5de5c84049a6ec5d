import type { Database } from 'better-sqlite3';

/**
 * Version of the tables below, kept in `schema_version`. Bump it with every change to them; a file written by a newer
 * version is refused (`state-incompatible`) rather than misread.
 */
export const SCHEMA_VERSION = 3;

// Added by version 3: what a saver finished once per run (the audit's sitemap scan), JSON, so a resume does not redo
// it; and image files being put in place whose outcome is not in saved_images yet.
const VERSION_3_TABLES = `CREATE TABLE IF NOT EXISTS saver_results (name TEXT PRIMARY KEY, value TEXT NOT NULL, saved_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS image_writes (url TEXT PRIMARY KEY, file TEXT NOT NULL, record TEXT NOT NULL, started_at INTEGER NOT NULL) WITHOUT ROWID;
`;

// \`seen\` is a log, not an index: the memory copy answers every lookup, and appends write one page per batch where
// random 64-bit keys would dirty a page per new URL. Times are milliseconds since the epoch. Text states rather than numbers, so `sqlite3 OUT/state.db` reads plainly.
const TABLES = `
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE run (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  command TEXT NOT NULL,
  options TEXT NOT NULL,
  depth INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'interrupted')),
  started_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE TABLE frontier (
  id INTEGER PRIMARY KEY,
  depth INTEGER NOT NULL,
  url TEXT NOT NULL,
  parent TEXT,
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'in-flight', 'done'))
);
CREATE INDEX frontier_queued ON frontier (depth, id) WHERE state = 'queued';
CREATE INDEX frontier_in_flight ON frontier (id) WHERE state = 'in-flight';
CREATE TABLE seen (id INTEGER PRIMARY KEY, fingerprints BLOB NOT NULL);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE robots (
  origin TEXT PRIMARY KEY,
  status INTEGER,
  body TEXT,
  error TEXT,
  crawl_delay_ms INTEGER,
  fetched_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE saved_images (
  url TEXT PRIMARY KEY,
  outcome TEXT NOT NULL,
  sha256 TEXT,
  file TEXT,
  saved_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE link_checks (
  url TEXT PRIMARY KEY,
  outcome TEXT NOT NULL,
  status INTEGER,
  result TEXT,
  checked_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE downloads (
  id INTEGER PRIMARY KEY,
  page TEXT NOT NULL,
  depth INTEGER NOT NULL,
  kind TEXT NOT NULL,
  url TEXT NOT NULL,
  data TEXT
);
CREATE TABLE redirect_claims (url TEXT NOT NULL, target TEXT NOT NULL, PRIMARY KEY (url, target)) WITHOUT ROWID;
${VERSION_3_TABLES}`;

/**
 * The schema version of an open database: `undefined` for an empty file (no tables yet), `-1` for a database with
 * tables but no version (some other program's file, which must not get ours added).
 * @throws the driver's error when the file cannot be read (corrupt, locked).
 */
export function readSchemaVersion(db: Database): number | undefined {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  if (tables.length === 0) return undefined;
  if (!tables.includes('schema_version')) return -1;
  const version = db.prepare('SELECT version FROM schema_version').pluck().get();
  return typeof version === 'number' ? version : -1;
}

/** Creates every table of version {@link SCHEMA_VERSION} in an empty database; call inside a write transaction. */
export function createSchema(db: Database): void {
  db.exec(TABLES);
  db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
}

/**
 * Brings a database of an older version the tables of {@link SCHEMA_VERSION}: version 2 (before `saver_results` and
 * `image_writes`) only lacks those tables. Returns whether it could; call inside a write transaction.
 */
export function upgradeSchema(db: Database, version: number): boolean {
  if (version !== 2) return false;
  db.exec(VERSION_3_TABLES);
  db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION);
  return true;
}
