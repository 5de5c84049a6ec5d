/**
 * Deterministic synthetic URLs for the seen-set and frontier benchmarks: URL `index` is always the same string,
 * 60-90 characters long (a few dozen hosts, sections, slugs of varying length, some with a query), so a benchmark
 * can regenerate any URL instead of holding them all.
 */
const WORDS = ['news', 'guide', 'product', 'review', 'archive', 'category', 'article', 'docs', 'help', 'blog', 'item', 'tag'];

/** The URL number `index` (a non-negative integer); distinct indexes give distinct URLs. */
export function syntheticUrl(index: number): string {
  // Knuth's multiplicative hash mixes the index into deterministic choices.
  const mix = Math.imul(index ^ (index >>> 16), 0x9e3779b1) >>> 0;
  const host = `www.site-${mix % 61}.example.com`;
  const section = WORDS[mix % WORDS.length] as string;
  const slug = `${WORDS[(mix >>> 8) % WORDS.length]}-${WORDS[(mix >>> 12) % WORDS.length]}`.padEnd(8 + ((mix >>> 16) % 18), 'x');
  const query = (mix >>> 24) % 3 === 0 ? `?page=${(mix >>> 4) % 50}` : '';
  return `https://${host}/${section}/${(mix >>> 20) % 1000}/${slug}-${index}.html${query}`;
}

/**
 * URLs `start` .. `start + count - 1`, each a flat string (as `new URL(...).href` gives the crawler) rather than the
 * rope of pieces a template literal builds, which would overstate what a `Set` of URLs costs.
 */
export function syntheticUrls(start: number, count: number): string[] {
  const urls = new Array<string>(count);
  for (let offset = 0; offset < count; offset++) urls[offset] = Buffer.from(syntheticUrl(start + offset), 'latin1').toString('latin1');
  return urls;
}
