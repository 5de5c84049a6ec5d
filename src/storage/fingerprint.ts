/**
 * A 64-bit fingerprint of a string, as two independent 32-bit halves computed in one pass over its UTF-16 code units
 * (no UTF-8 encoding step, so no allocation). `hi` is FNV-1a; `lo` is a multiply-xorshift hash with another prime and
 * seed. Both are finished with MurmurHash3's `fmix32` avalanche, so every input bit affects every output bit and the
 * low bits of `hi` are fit to index a power-of-two table.
 *
 * Not cryptographic: anyone who can choose URLs can build collisions. Fine for deduplicating a crawl, where the
 * worst a collision does is skip one URL.
 *
 * @param text the string to fingerprint (for the seen-set: a normalized URL).
 * @param out receives `[hi, lo]`; written in place so the hot path allocates nothing.
 */
export function fingerprint64(text: string, out: Uint32Array): void {
  let hi = 0x811c9dc5; // FNV-1a 32-bit offset basis
  let lo = 0x9747b28c ^ text.length;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    hi = Math.imul(hi ^ unit, 0x01000193); // FNV-1a 32-bit prime
    lo = Math.imul(lo ^ unit, 0x5bd1e995); // MurmurHash2's multiplier
    lo ^= lo >>> 15;
  }
  out[0] = fmix32(hi);
  out[1] = fmix32(lo);
}

// MurmurHash3's finalizer: a bijection on 32 bits with full avalanche.
function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
