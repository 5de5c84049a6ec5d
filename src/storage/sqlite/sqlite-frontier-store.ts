import type { Database, Statement } from 'better-sqlite3';
import type { CrawlRequest, FrontierStore } from '../frontier-store.js';

interface FrontierRow {
  id: number;
  url: string;
  parent: string | null;
}

/**
 * The frontier in the `frontier` table of a {@link CrawlStateDb}: one row per request, in insertion order (`id`), with
 * a state. `push` inserts `queued` rows; `take` returns the oldest queued rows of a depth and marks them `in-flight`;
 * {@link markDone} marks fetched ones `done`. Opening the file again turns every `in-flight` row back into `queued`
 * (in its old place), so after a crash only requests taken and not yet marked done are fetched again.
 *
 * The rows stay on disk: memory holds only the per-depth counts of queued rows and the ids of in-flight requests (at
 * most what the engine took and has not finished). Writes land in the database's open transaction and become durable
 * at its next commit ({@link CrawlStateDb.commitBatch}). Built by {@link CrawlStateDb.open}; everything is synchronous.
 */
export class SqliteFrontierStore implements FrontierStore {
  readonly #insert: Statement<[number, string, string | null]>;
  readonly #select: Statement<[number, number], FrontierRow>;
  readonly #setState: Statement<[string, number]>;
  readonly #markTaken: Statement<[number, number]>;
  readonly #queued = new Map<number, number>();
  /** URL -> row id of each request taken and not yet marked done. */
  readonly #inFlight = new Map<string, number>();

  /** Re-queues the rows left `in-flight` by an earlier process and counts the queued rows per depth. */
  constructor(db: Database) {
    this.#insert = db.prepare('INSERT INTO frontier (depth, url, parent) VALUES (?, ?, ?)');
    this.#select = db.prepare("SELECT id, url, parent FROM frontier WHERE depth = ? AND state = 'queued' ORDER BY id LIMIT ?");
    this.#setState = db.prepare('UPDATE frontier SET state = ? WHERE id = ?');
    // The rows just selected are exactly the depth's queued rows up to the last id: one statement marks them all.
    this.#markTaken = db.prepare("UPDATE frontier SET state = 'in-flight' WHERE depth = ? AND state = 'queued' AND id <= ?");
    db.prepare("UPDATE frontier SET state = 'queued' WHERE state = 'in-flight'").run();
    const counts = db.prepare("SELECT depth, count(*) FROM frontier WHERE state = 'queued' GROUP BY depth").raw().all() as [number, number][];
    for (const [depth, count] of counts) this.#queued.set(depth, count);
  }

  /** Appends requests to the queue of their depth, in order. */
  push(requests: readonly CrawlRequest[]): void {
    for (const request of requests) {
      this.#insert.run(request.depth, request.url, request.parent);
      this.#queued.set(request.depth, (this.#queued.get(request.depth) ?? 0) + 1);
    }
  }

  /** Removes and returns up to `max` requests of `depth`, oldest first, and marks them in flight. */
  take(depth: number, max: number): CrawlRequest[] {
    if (max < 1 || !this.#queued.get(depth)) return [];
    const rows = this.#select.all(depth, max);
    const last = rows.at(-1);
    if (last) this.#markTaken.run(depth, last.id);
    for (const row of rows) this.#inFlight.set(row.url, row.id);
    const left = (this.#queued.get(depth) ?? 0) - rows.length;
    if (left > 0) this.#queued.set(depth, left);
    else this.#queued.delete(depth);
    return rows.map((row) => ({ url: row.url, depth, parent: row.parent }));
  }

  /** Requests of `depth` still queued (not counting those taken). */
  size(depth: number): number {
    return this.#queued.get(depth) ?? 0;
  }

  /** Requests taken and not yet marked done. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Marks requests taken by this store as `done`, so they are never handed out again, even after a crash once the
   * transaction commits. URLs not in flight are ignored.
   * @returns how many were marked.
   */
  markDone(urls: readonly string[]): number {
    let marked = 0;
    for (const url of urls) {
      const id = this.#inFlight.get(url);
      if (id === undefined) continue;
      this.#setState.run('done', id);
      this.#inFlight.delete(url);
      marked++;
    }
    return marked;
  }
}
