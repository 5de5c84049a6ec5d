import type { MaybePromise } from './frontier-store.js';

/**
 * The set of normalized URLs the crawl has discovered (queued, fetched, or reached by a redirect). `add` is the one
 * atomic step that decides whether a URL is new, so concurrent redirects and link discovery never both win.
 * Implementations: {@link MemorySeenSet}; later a persistent and a Redis set.
 */
export interface SeenSet {
  /** For each URL, whether it is already in the set. */
  has(urls: readonly string[]): MaybePromise<boolean[]>;
  /** Adds the URLs; for each, `true` when it was not there before. */
  add(urls: readonly string[]): MaybePromise<boolean[]>;
  /** URLs in the set. */
  size(): MaybePromise<number>;
}

/** The seen-set in memory, as a `Set` of URL strings. */
export class MemorySeenSet implements SeenSet {
  readonly #urls = new Set<string>();

  has(urls: readonly string[]): boolean[] {
    return urls.map((url) => this.#urls.has(url));
  }

  add(urls: readonly string[]): boolean[] {
    return urls.map((url) => {
      if (this.#urls.has(url)) return false;
      this.#urls.add(url);
      return true;
    });
  }

  size(): number {
    return this.#urls.size;
  }
}
