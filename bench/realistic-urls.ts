/**
 * Deterministic real-looking URLs for the fingerprint collision check: URL `index` is always the same string, drawn
 * from the shapes crawls meet (dated articles, product pages with filters, paginated searches, profiles, versioned
 * docs, tracking parameters, percent-encoded non-ASCII paths) on 20,000 hosts across a dozen TLDs. Each embeds the
 * index (decimal or base 36), so distinct indexes give distinct URLs; the check confirms it, as equal strings would
 * show as equal fingerprints.
 */
const WORDS = [
  'news', 'guide', 'product', 'review', 'archive', 'category', 'article', 'docs', 'help', 'blog', 'item', 'tag', 'city',
  'travel', 'food', 'recipe', 'garden', 'home', 'sport', 'football', 'music', 'video', 'photo', 'science', 'health',
  'money', 'market', 'shop', 'store', 'sale', 'best', 'new', 'top', 'how', 'why', 'world', 'local', 'green', 'blue',
  'red', 'black', 'white', 'small', 'large', 'summer', 'winter', 'open', 'free', 'fast', 'easy',
];
const TLDS = ['com', 'org', 'net', 'de', 'fr', 'co.uk', 'io', 'jp', 'com.br', 'nl', 'es', 'it'];
const SUBDOMAINS = ['www.', '', 'blog.', 'shop.', 'docs.', 'en.', 'm.'];
const SORTS = ['relevance', 'price_asc', 'price_desc', 'newest', 'rating'];
const SOURCES = ['newsletter', 'twitter', 'facebook', 'google', 'partner'];
const NON_ASCII = ['%C3%A9t%C3%A9', '%E6%9D%B1%E4%BA%AC', '%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0', 'M%C3%BCnchen', '%F0%9F%98%80'];

/** A small deterministic generator (mulberry32) seeded by the URL's index. */
function randomFor(index: number): () => number {
  let state = Math.imul(index ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

function slug(random: () => number, min: number, max: number): string {
  const count = min + Math.floor(random() * (max - min + 1));
  return Array.from({ length: count }, () => pick(WORDS, random)).join('-');
}

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}

/** The URL number `index` (a non-negative integer), as `new URL(...).href` would give it. */
export function realisticUrl(index: number): string {
  const random = randomFor(index);
  const hostNumber = Math.floor(random() * 20_000);
  const host = `${pick(SUBDOMAINS, random)}${WORDS[hostNumber % WORDS.length]}${WORDS[Math.floor(hostNumber / WORDS.length) % WORDS.length]}${hostNumber}.${TLDS[hostNumber % TLDS.length]}`;
  const origin = `${random() < 0.9 ? 'https' : 'http'}://${host}`;
  const id36 = index.toString(36);
  switch (Math.floor(random() * 7)) {
    case 0: {
      const year = 2005 + Math.floor(random() * 21);
      return `${origin}/${year}/${twoDigits(1 + Math.floor(random() * 12))}/${twoDigits(1 + Math.floor(random() * 28))}/${slug(random, 3, 8)}-${index}/`;
    }
    case 1: {
      const filters = random() < 0.5 ? '' : `?color=${pick(WORDS, random)}&size=${1 + Math.floor(random() * 12)}`;
      return `${origin}/${pick(WORDS, random)}/${pick(WORDS, random)}/${slug(random, 2, 4)}-p${index}.html${filters}`;
    }
    case 2:
      return `${origin}/search?q=${pick(WORDS, random)}+${pick(WORDS, random)}&page=${1 + Math.floor(random() * 40)}&sort=${pick(SORTS, random)}&sid=${id36}`;
    case 3:
      return `${origin}/users/${pick(WORDS, random)}_${pick(WORDS, random)}${index}`;
    case 4:
      return `${origin}/docs/v${1 + Math.floor(random() * 9)}.${Math.floor(random() * 20)}/${pick(WORDS, random)}/${slug(random, 1, 3)}-${id36}`;
    case 5:
      return `${origin}/${slug(random, 1, 2)}/${index}?utm_source=${pick(SOURCES, random)}&utm_medium=email&utm_campaign=${pick(WORDS, random)}${Math.floor(random() * 100)}`;
    default:
      return `${origin}/wiki/${pick(NON_ASCII, random)}_${pick(WORDS, random)}_(${id36})`;
  }
}
