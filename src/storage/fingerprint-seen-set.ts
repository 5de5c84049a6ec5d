import { fingerprint64 } from './fingerprint.js';
import type { SeenSet } from './seen-set.js';

/** Options of {@link FingerprintSeenSet}. */
export interface FingerprintSeenSetOptions {
  /**
   * Slots allocated up front, rounded up to a power of two (at least 16). Pass the expected URL count / 0.75 to avoid
   * rehashing while the set grows.
   * @default 1024
   */
  initialCapacity?: number;
}

const MAX_LOAD = 0.75;
const MIN_CAPACITY = 16;

/**
 * The seen-set as 64-bit fingerprints of the URLs (see {@link fingerprint64}) in an open-addressing hash table with
 * linear probing, backed by one `Uint32Array` (two words per slot, kept side by side so a probe touches one cache line).
 * It holds 8 bytes per slot, and the table doubles (rehashing every fingerprint) before the load factor passes 0.75,
 * so it costs 10.7 to 21.3 bytes per URL: 10 million URLs fit in a 128 MiB table, against roughly 1 GB for a `Set` of the
 * URL strings ({@link MemorySeenSet}).
 *
 * **Collisions.** Two different URLs with the same fingerprint are indistinguishable: the second one is reported as
 * already seen, so it is skipped and never fetched. Nothing else goes wrong (no URL is fetched twice). The fingerprint
 * is xxHash64, so by the birthday bound of a 64-bit hash the probability that any collision happens among n distinct
 * URLs is at most n² / 2⁶⁵: about 2.7e-8 for 1 million URLs, 2.7e-6 for 10 million and 2.7e-4 for 100 million
 * (`bench/fingerprint-collisions.ts` found none among 10 million). The fingerprint is not cryptographic, so a site
 * that crafts URLs on purpose could hide a page; crawls that must rule this out should use {@link MemorySeenSet}.
 *
 * The set cannot list its URLs, only answer whether one was added. Everything is synchronous and in memory.
 */
export class FingerprintSeenSet implements SeenSet {
  /** `[hi0, lo0, hi1, lo1, ...]`; an all-zero slot is empty (a zero fingerprint is stored as `lo = 1`). */
  #slots: Uint32Array;
  #mask: number;
  #size = 0;
  #maxSize: number;
  readonly #scratch = new Uint32Array(2);

  /** @throws RangeError when `initialCapacity` is not a positive integer. */
  constructor(options: FingerprintSeenSetOptions = {}) {
    const requested = options.initialCapacity ?? 1024;
    if (!Number.isInteger(requested) || requested < 1) throw new RangeError(`Expected \`initialCapacity\` to be an integer >= 1, got ${requested}`);
    let capacity = MIN_CAPACITY;
    while (capacity < requested) capacity *= 2;
    this.#slots = new Uint32Array(capacity * 2);
    this.#mask = capacity - 1;
    this.#maxSize = Math.floor(capacity * MAX_LOAD);
  }

  /** For each URL, whether its fingerprint is in the set. */
  has(urls: readonly string[]): boolean[] {
    return urls.map((url) => {
      this.#hash(url);
      return this.#find(this.#scratch[0] as number, this.#scratch[1] as number) >= 0;
    });
  }

  /** Adds the URLs in order; for each, `true` when its fingerprint was not there before (a repeat later in the same call gets `false`). */
  add(urls: readonly string[]): boolean[] {
    return urls.map((url) => {
      this.#hash(url);
      return this.#insert(this.#scratch[0] as number, this.#scratch[1] as number);
    });
  }

  /**
   * Adds one fingerprint as {@link fingerprint64} computes it (`hi`, `lo` unsigned 32-bit halves); `true` when it was
   * not there before. For stores that keep fingerprints elsewhere (SQLite) and rebuild the table from them.
   */
  addFingerprint(hi: number, lo: number): boolean {
    return this.#insert(hi >>> 0, hi === 0 && lo === 0 ? 1 : lo >>> 0);
  }

  /** Distinct fingerprints in the set (equal to the distinct URLs added, barring collisions). */
  size(): number {
    return this.#size;
  }

  /** Bytes held by the table: 8 per slot. */
  get byteLength(): number {
    return this.#slots.byteLength;
  }

  #hash(url: string): void {
    fingerprint64(url, this.#scratch);
    if (this.#scratch[0] === 0 && this.#scratch[1] === 0) this.#scratch[1] = 1;
  }

  /** The slot index holding the fingerprint, or `-1 - emptySlot` where it would go. */
  #find(hi: number, lo: number): number {
    const slots = this.#slots;
    let slot = hi & this.#mask;
    for (;;) {
      const slotHi = slots[slot * 2] as number;
      const slotLo = slots[slot * 2 + 1] as number;
      if (slotHi === hi && slotLo === lo) return slot;
      if (slotHi === 0 && slotLo === 0) return -1 - slot;
      slot = (slot + 1) & this.#mask;
    }
  }

  #insert(hi: number, lo: number): boolean {
    const found = this.#find(hi, lo);
    if (found >= 0) return false;
    if (this.#size >= this.#maxSize) {
      this.#grow();
      return this.#insert(hi, lo);
    }
    const slot = -1 - found;
    this.#slots[slot * 2] = hi;
    this.#slots[slot * 2 + 1] = lo;
    this.#size++;
    return true;
  }

  // Doubling keeps inserts amortized O(1); while it runs both tables are alive (3x the old table's bytes at peak).
  #grow(): void {
    const old = this.#slots;
    const capacity = (this.#mask + 1) * 2;
    this.#slots = new Uint32Array(capacity * 2);
    this.#mask = capacity - 1;
    this.#maxSize = Math.floor(capacity * MAX_LOAD);
    for (let index = 0; index < old.length; index += 2) {
      const hi = old[index] as number;
      const lo = old[index + 1] as number;
      if (hi === 0 && lo === 0) continue;
      const slot = -1 - this.#find(hi, lo);
      this.#slots[slot * 2] = hi;
      this.#slots[slot * 2 + 1] = lo;
    }
  }
}
