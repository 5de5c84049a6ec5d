import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CrawlRequest, FrontierStore } from './frontier-store.js';
import { SpillFile } from './spill-file.js';

/** Options of {@link SpillingFrontierStore}. */
export interface SpillingFrontierStoreOptions {
  /**
   * Requests of one depth kept in memory; past it, that depth's newer requests go to its file until the file is
   * read back. A request costs roughly 150-300 bytes in memory and 60-200 on disk.
   * @default 100000
   */
  maxInMemory?: number;
  /** Directory in which the store's own temporary directory is created (with `mkdtemp`). @default os.tmpdir() */
  dir?: string;
  /** Bytes read from a file at a time. @default 1048576 */
  readChunkBytes?: number;
  /** Bytes of appended requests buffered before they are written. @default 262144 */
  writeChunkBytes?: number;
}

interface Level {
  /** The oldest waiting requests, read from `head`. */
  memory: CrawlRequest[];
  head: number;
  /** Newer requests than all of `memory`, in order; present while it holds unread ones. */
  file: SpillFile | undefined;
  size: number;
}

const COMPACT_AFTER = 4096;

/**
 * The frontier with a memory budget: each depth keeps up to `maxInMemory` requests in memory, and past that appends
 * them to its own append-only JSON Lines file (`["url","parent"]` per line) in a temporary directory. `take` returns
 * the memory queue first, then streams the file back in chunks, so every depth stays FIFO. A level's file is closed
 * and gone as soon as it has been read back, and {@link close} removes the directory. The directory is created on the
 * first spill, so a crawl that fits in memory never touches the disk.
 *
 * The files have no name on disk once open (see {@link SpillFile}): a process killed before {@link close} leaves its
 * empty directory behind, but none of the spilled data. Calls are serialized internally, so overlapping calls behave
 * as if made one after another. Call {@link close} when done (the engine does at the end of a run).
 */
export class SpillingFrontierStore implements FrontierStore {
  readonly #maxInMemory: number;
  readonly #parentDir: string;
  readonly #readChunkBytes: number;
  readonly #writeChunkBytes: number;
  readonly #levels = new Map<number, Level>();
  #dir: Promise<string> | undefined;
  #files = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  /** @throws RangeError when a size option is not a positive integer. */
  constructor(options: SpillingFrontierStoreOptions = {}) {
    this.#maxInMemory = positive('maxInMemory', options.maxInMemory ?? 100_000);
    this.#readChunkBytes = positive('readChunkBytes', options.readChunkBytes ?? 1024 * 1024);
    this.#writeChunkBytes = positive('writeChunkBytes', options.writeChunkBytes ?? 256 * 1024);
    this.#parentDir = options.dir ?? tmpdir();
  }

  /** The temporary directory, once something has spilled; `undefined` before. */
  async directory(): Promise<string | undefined> {
    return this.#dir;
  }

  /** Appends requests to the queue of their depth, in order. @throws Error after {@link close}. */
  push(requests: readonly CrawlRequest[]): Promise<void> {
    return this.#exclusive(async () => {
      const lines = new Map<Level, string[]>();
      for (const request of requests) {
        const level = this.#level(request.depth);
        level.size++;
        if (!level.file && level.memory.length - level.head < this.#maxInMemory) {
          level.memory.push(request);
          continue;
        }
        level.file ??= await this.#createFile(request.depth);
        let pending = lines.get(level);
        if (!pending) lines.set(level, (pending = []));
        pending.push(`${JSON.stringify([request.url, request.parent])}\n`);
      }
      for (const [level, pending] of lines) await level.file?.append(pending.join(''));
    });
  }

  /** Removes and returns up to `max` requests of `depth`, oldest first. @throws Error after {@link close}. */
  take(depth: number, max: number): Promise<CrawlRequest[]> {
    return this.#exclusive(async () => {
      const level = this.#levels.get(depth);
      const batch: CrawlRequest[] = [];
      if (!level) return batch;
      while (batch.length < max) {
        if (level.head === level.memory.length && !(await this.#refill(level, depth))) break;
        const count = Math.min(max - batch.length, level.memory.length - level.head);
        for (let index = 0; index < count; index++) batch.push(level.memory[level.head + index] as CrawlRequest);
        level.head += count;
      }
      level.size -= batch.length;
      if (level.head === level.memory.length) {
        level.memory = [];
        level.head = 0;
      } else if (level.head >= COMPACT_AFTER && level.head * 2 >= level.memory.length) {
        level.memory = level.memory.slice(level.head);
        level.head = 0;
      }
      if (level.size === 0) this.#levels.delete(depth);
      return batch;
    });
  }

  /** Requests of `depth` still waiting. */
  size(depth: number): Promise<number> {
    return this.#exclusive(async () => this.#levels.get(depth)?.size ?? 0);
  }

  /** Deletes every file and the temporary directory. Idempotent; the store cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#exclusive(async () => {
      this.#closed = true;
      for (const level of this.#levels.values()) await level.file?.remove();
      this.#levels.clear();
      const dir = await this.#dir?.catch(() => undefined);
      if (dir) await rm(dir, { recursive: true, force: true });
    });
  }

  // Moves the next chunk of the level's file into memory; deletes the file once it has been read back.
  async #refill(level: Level, depth: number): Promise<boolean> {
    const file = level.file;
    if (!file) return false;
    const lines = await file.readLines();
    level.memory = lines.map((line) => {
      const [url, parent] = JSON.parse(line) as [string, string | null];
      return { url, depth, parent };
    });
    level.head = 0;
    if (file.isDrained) {
      level.file = undefined;
      await file.remove();
    }
    return level.memory.length > 0;
  }

  #level(depth: number): Level {
    let level = this.#levels.get(depth);
    if (!level) {
      level = { memory: [], head: 0, file: undefined, size: 0 };
      this.#levels.set(depth, level);
    }
    return level;
  }

  async #createFile(depth: number): Promise<SpillFile> {
    this.#dir ??= mkdtemp(join(this.#parentDir, 'sitecrawl-frontier-'));
    const path = join(await this.#dir, `depth-${depth}-${this.#files++}.jsonl`);
    return SpillFile.create(path, this.#readChunkBytes, this.#writeChunkBytes);
  }

  #exclusive<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('SpillingFrontierStore is closed'));
    const result = this.#queue.then(operation);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`Expected \`${name}\` to be an integer >= 1, got ${value}`);
  return value;
}
