/** A URL waiting to be fetched, with where it was found. */
export interface CrawlRequest {
  /** The normalized URL. */
  url: string;
  /** Link distance from the nearest start URL. */
  depth: number;
  /** The page that first linked to it; `null` for a start URL. */
  parent: string | null;
}

/** A value now, or later: in-memory stores answer at once, persistent ones may not. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Keeps the crawl frontier, one FIFO queue per depth. The engine pushes newly discovered requests and, level by level,
 * takes them back in batches. Implementations: {@link MemoryFrontierStore}, `SpillingFrontierStore` (memory, then
 * disk past a budget); later a persistent and a Redis store.
 */
export interface FrontierStore {
  /** Appends requests to the queue of their depth, in order. */
  push(requests: readonly CrawlRequest[]): MaybePromise<void>;
  /** Removes and returns up to `max` requests of `depth`, oldest first; fewer (or none) when the level runs out. */
  take(depth: number, max: number): MaybePromise<CrawlRequest[]>;
  /** Requests of `depth` still waiting. */
  size(depth: number): MaybePromise<number>;
  /**
   * Releases what the store holds outside the heap (files, connections). Optional. The engine calls it once, at the
   * end of a run, on the store it created itself; a store passed as `frontierStore` is the caller's to close.
   */
  close?(): MaybePromise<void>;
}

interface Level {
  items: CrawlRequest[];
  head: number;
}

/** The frontier in memory: an array per depth, read from a moving head. */
export class MemoryFrontierStore implements FrontierStore {
  readonly #levels = new Map<number, Level>();

  push(requests: readonly CrawlRequest[]): void {
    for (const request of requests) {
      let level = this.#levels.get(request.depth);
      if (!level) {
        level = { items: [], head: 0 };
        this.#levels.set(request.depth, level);
      }
      level.items.push(request);
    }
  }

  take(depth: number, max: number): CrawlRequest[] {
    const level = this.#levels.get(depth);
    if (!level) return [];
    const batch = level.items.slice(level.head, level.head + max);
    level.head += batch.length;
    if (level.head >= level.items.length) this.#levels.delete(depth);
    return batch;
  }

  size(depth: number): number {
    const level = this.#levels.get(depth);
    return level ? level.items.length - level.head : 0;
  }
}
