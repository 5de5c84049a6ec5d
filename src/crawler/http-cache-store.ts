import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import type { Database as Connection, Statement } from 'better-sqlite3';
import type { interceptors } from 'undici';
import type { CacheMode } from './options.js';

// undici's cache types, reached through the interceptor's signature (its typings export them under no public name).
type CacheStore = NonNullable<NonNullable<Parameters<typeof interceptors.cache>[0]>['store']>;
type CacheKey = Parameters<CacheStore['get']>[0];
type CacheValue = Parameters<CacheStore['createWriteStream']>[1];
type GetResult = Exclude<ReturnType<CacheStore['get']>, Promise<unknown> | undefined>;

/** A header the store adds to every response it gives back, so the fetcher can tell a body came from the cache. */
export const CACHED_MARKER = 'x-sitecrawl-cached';

/** How the store is opened. */
export interface HttpCacheStoreOptions {
  /** `prefer-cache` hands out every stored response as reusable without revalidation. */
  mode: CacheMode;
  /** Bodies longer than this are not stored. */
  maxEntryBytes: number;
}

// Bumped when a stored entry would no longer be read right.
const TABLE = 'responses_v1';
// Directives that make undici's interceptor go to the network before reusing a response; `prefer-cache` asks it not to.
const REVALIDATE_DIRECTIVES = ['no-cache', 'must-revalidate', 'proxy-revalidate'] as const;
// The latest time a Date can hold: an entry handed out in `prefer-cache` never reaches its deleteAt.
const NEVER = 8.64e15;

interface Row {
  id: number;
  body: Buffer | null;
  deleteAt: number;
  statusCode: number;
  statusMessage: string;
  headers: string | null;
  etag: string | null;
  cacheControlDirectives: string | null;
  vary: string | null;
  cachedAt: number;
  staleAt: number;
}

function headerValueEquals(left: unknown, right: unknown): boolean {
  if (left == null || right == null) return left == null && right == null;
  if (Array.isArray(left) && Array.isArray(right)) return left.length === right.length && left.every((value, index) => value === right[index]);
  return left === right;
}

/**
 * A disk-backed store for undici's cache interceptor (`interceptors.cache`), on better-sqlite3: undici's own
 * SqliteCacheStore needs `node:sqlite`, which Node 20 lacks. Laid out like it (one row per URL, method and Vary
 * variant; entries past `deleteAt` are not handed out). The HTTP semantics (what may be stored, freshness,
 * revalidation) stay undici's; the store only keeps and finds entries. In `prefer-cache` mode it hands every entry out
 * as one that needs no revalidation (its `no-cache`/`must-revalidate` directives and its deletion time dropped), and
 * the fetcher asks with `Cache-Control: max-stale`, so a stored response is reused however old.
 */
export class HttpCacheStore implements CacheStore {
  readonly #db: Connection;
  readonly #options: HttpCacheStoreOptions;
  readonly #find: Statement<[string, string], Row>;
  readonly #insert: Statement<unknown[]>;
  readonly #update: Statement<unknown[]>;
  readonly #deleteUrl: Statement<[string]>;

  /** Opens (or creates) the cache file at `path`; its directory must exist. */
  constructor(path: string, options: HttpCacheStoreOptions) {
    this.#options = options;
    this.#db = new Database(path, { timeout: 5000 });
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS ${TABLE} (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        url TEXT NOT NULL,
        method TEXT NOT NULL,
        body BLOB NULL,
        deleteAt INTEGER NOT NULL,
        statusCode INTEGER NOT NULL,
        statusMessage TEXT NOT NULL,
        headers TEXT NULL,
        cacheControlDirectives TEXT NULL,
        etag TEXT NULL,
        vary TEXT NULL,
        cachedAt INTEGER NOT NULL,
        staleAt INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS ${TABLE}_url ON ${TABLE}(url, method);
    `);
    this.#find = this.#db.prepare(`SELECT * FROM ${TABLE} WHERE url = ? AND method = ? ORDER BY deleteAt ASC`);
    this.#insert = this.#db.prepare(
      `INSERT INTO ${TABLE} (url, method, body, deleteAt, statusCode, statusMessage, headers, etag, cacheControlDirectives, vary, cachedAt, staleAt)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#update = this.#db.prepare(
      `UPDATE ${TABLE} SET body = ?, deleteAt = ?, statusCode = ?, statusMessage = ?, headers = ?, etag = ?, cacheControlDirectives = ?, vary = ?, cachedAt = ?, staleAt = ? WHERE id = ?`,
    );
    this.#deleteUrl = this.#db.prepare(`DELETE FROM ${TABLE} WHERE url = ?`);
  }

  /** The stored response for a request, when one matches its URL, method and Vary headers. */
  get(key: CacheKey): GetResult | undefined {
    const row = this.#findRow(key, this.#options.mode === 'prefer-cache');
    if (!row) return undefined;
    const headers = { ...(row.headers ? (JSON.parse(row.headers) as Record<string, string | string[]>) : {}), [CACHED_MARKER]: '1' };
    const directives = row.cacheControlDirectives ? (JSON.parse(row.cacheControlDirectives) as GetResult['cacheControlDirectives']) : {};
    const result: GetResult = {
      body: row.body ?? undefined,
      statusCode: row.statusCode,
      statusMessage: row.statusMessage,
      headers,
      cacheControlDirectives: directives,
      cachedAt: row.cachedAt,
      staleAt: row.staleAt,
      deleteAt: row.deleteAt,
    };
    if (row.etag) result.etag = row.etag;
    if (row.vary) result.vary = JSON.parse(row.vary) as GetResult['vary'];
    if (this.#options.mode === 'prefer-cache') {
      for (const directive of REVALIDATE_DIRECTIVES) delete directives[directive];
      result.deleteAt = NEVER;
    }
    return result;
  }

  /** A stream the interceptor writes a response body into; the entry is stored when it ends (unless it grew too long). */
  createWriteStream(key: CacheKey, value: CacheValue): Writable {
    const chunks: Buffer[] = [];
    let size = 0;
    const maxBytes = this.#options.maxEntryBytes;
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        size += chunk.byteLength;
        if (size > maxBytes) callback(new Error('Response too long to cache'));
        else {
          chunks.push(chunk);
          callback();
        }
      },
      final: (callback) => {
        try {
          this.#set(key, value, Buffer.concat(chunks));
          callback();
        } catch (error) {
          callback(error as Error);
        }
      },
    });
  }

  /** Forgets every stored response of the key's URL. */
  delete(key: CacheKey): void {
    this.#deleteUrl.run(urlOf(key));
  }

  /** Closes the file. */
  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #set(key: CacheKey, value: CacheValue, body: Buffer): void {
    // The marker belongs to what the store hands out; a 304 stores the headers it was handed back.
    const { [CACHED_MARKER]: _marker, ...headers } = value.headers;
    const fields = [
      body, value.deleteAt, value.statusCode, value.statusMessage, JSON.stringify(headers), value.etag ?? null,
      value.cacheControlDirectives ? JSON.stringify(value.cacheControlDirectives) : null, value.vary ? JSON.stringify(value.vary) : null,
      value.cachedAt, value.staleAt,
    ];
    const existing = this.#findRow(key, true, value.vary);
    if (existing) this.#update.run(...fields, existing.id);
    else this.#insert.run(urlOf(key), key.method, ...fields);
  }

  /** The first row of the key's URL and method whose Vary headers match the request's (or `vary`, when storing). */
  #findRow(key: CacheKey, includeExpired: boolean, storingVary?: CacheValue['vary']): Row | undefined {
    const now = Date.now();
    for (const row of this.#find.all(urlOf(key), key.method)) {
      if (!includeExpired && now >= row.deleteAt) continue;
      if (!row.vary) return row;
      const vary = JSON.parse(row.vary) as Record<string, unknown>;
      const wanted = storingVary ?? key.headers ?? {};
      if (Object.keys(vary).every((name) => headerValueEquals((wanted as Record<string, unknown>)[name], vary[name]))) return row;
    }
    return undefined;
  }
}

function urlOf(key: CacheKey): string {
  return `${key.origin}${key.path}`;
}
