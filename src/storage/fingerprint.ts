import xxhash from 'xxhash-wasm';

// The WebAssembly module compiles once, when this module loads (in each thread that imports it); from then on
// hashing is synchronous, as the seen-set's hot path needs.
const { h64 } = await xxhash();

// Scratch for splitting the 64-bit hash into halves without BigInt arithmetic (which allocates).
const wide = new BigUint64Array(1);
const halves = new Uint32Array(wide.buffer);
// Which half of `halves` holds the high word depends on the platform's byte order.
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * A 64-bit fingerprint of a string: xxHash64 (seed 0) of its UTF-8 bytes, computed by `xxhash-wasm` (the reference
 * algorithm compiled to WebAssembly). xxHash64 passes SMHasher's collision and distribution tests, so n distinct
 * strings share a fingerprint with the probability of an ideal 64-bit hash, at most n² / 2⁶⁵ (the birthday bound).
 *
 * Strings are hashed as UTF-8, so two strings that differ only in lone surrogates (both become U+FFFD) get one
 * fingerprint; no normalized URL has them, as WHATWG URL serialization percent-encodes U+FFFD in their place.
 *
 * Not cryptographic: anyone who can choose URLs can build collisions. Fine for deduplicating a crawl, where the
 * worst a collision does is skip one URL.
 *
 * @param text the string to fingerprint (for the seen-set: a normalized URL).
 * @param out receives `[hi, lo]`, the high and low 32 bits; written in place so the hot path allocates no array.
 */
export function fingerprint64(text: string, out: Uint32Array): void {
  wide[0] = h64(text);
  out[0] = halves[HIGH] as number;
  out[1] = halves[1 - HIGH] as number;
}
