import type { Database, Statement } from 'better-sqlite3';

/** How a persisted run stands: `running` while a process has it open (or was killed), then `finished` or `interrupted`. */
export type RunStatus = 'running' | 'finished' | 'interrupted';

/** The one row of the `run` table: what was started, with which options, and how far it got. */
export interface RunMeta {
  /** The CLI command or library entry point (`crawl`, `images`, `audit`, ...). */
  command: string;
  /** The options the run was started with, as given (JSON-serializable). */
  options: unknown;
  /** The depth being crawled (the last level entered). */
  depth: number;
  status: RunStatus;
  /** Milliseconds since the epoch. */
  startedAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

interface RunRow {
  command: string;
  options: string;
  depth: number;
  status: RunStatus;
  started_at: number;
  updated_at: number;
  finished_at: number | null;
}

/**
 * The `run` table of a {@link CrawlStateDb}: one row describing the run the state belongs to, so a resume can check
 * that it continues the same command with the same options. Writes land in the open transaction. Built by
 * {@link CrawlStateDb.open}.
 */
export class SqliteRunMeta {
  readonly #select: Statement<[], RunRow>;
  readonly #insert: Statement<[string, string, number, number]>;
  readonly #setDepth: Statement<[number, number]>;
  readonly #setStatus: Statement<[RunStatus, number, number | null]>;

  constructor(db: Database) {
    this.#select = db.prepare('SELECT command, options, depth, status, started_at, updated_at, finished_at FROM run WHERE id = 1');
    this.#insert = db.prepare("INSERT INTO run (id, command, options, depth, status, started_at, updated_at) VALUES (1, ?, ?, 0, 'running', ?, ?)");
    this.#setDepth = db.prepare('UPDATE run SET depth = ?, updated_at = ? WHERE id = 1');
    this.#setStatus = db.prepare('UPDATE run SET status = ?, updated_at = ?, finished_at = ? WHERE id = 1');
  }

  /** The stored run, or `undefined` in a new state file. */
  get(): RunMeta | undefined {
    const row = this.#select.get();
    if (!row) return undefined;
    return {
      command: row.command,
      options: JSON.parse(row.options) as unknown,
      depth: row.depth,
      status: row.status,
      startedAt: row.started_at,
      updatedAt: row.updated_at,
      finishedAt: row.finished_at,
    };
  }

  /**
   * Records the start of a new run (status `running`, depth 0).
   * @throws Error when the state already holds a run (a resume calls `setStatus('running')` instead).
   */
  start(command: string, options: unknown, now = Date.now()): void {
    if (this.#select.get()) throw new Error('The state already holds a run');
    this.#insert.run(command, JSON.stringify(options) ?? 'null', now, now);
  }

  /** Records the depth being crawled. */
  setDepth(depth: number, now = Date.now()): void {
    this.#setDepth.run(depth, now);
  }

  /** Marks the run `running` again (a resume), `finished` or `interrupted`; the two last set `finishedAt`. */
  setStatus(status: RunStatus, now = Date.now()): void {
    this.#setStatus.run(status, now, status === 'running' ? null : now);
  }
}
