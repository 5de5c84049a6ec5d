import { describe, expect, test } from 'vitest';
import { generateSite, mulberry32 } from '../../bench/site-generator.js';
import { canonicalBase, canonicalReference } from '../../src/extractors/canonical-reference.js';

// The fast path must give exactly what the WHATWG parser gives, or nothing (then the parser runs). Every case here is
// checked against `new URL(reference, base).href`, and each group must take the fast path often enough that the
// comparison is not empty.

function parsed(reference: string, base: string): string | null {
  try {
    return new URL(reference, base).href;
  } catch {
    return null;
  }
}

/** Checks every reference against the parser; returns how many took the fast path. */
function compare(references: readonly string[], base: string): number {
  const split = canonicalBase(base);
  if (split === undefined) throw new Error(`not a canonical base: ${base}`);
  let fast = 0;
  const wrong: string[] = [];
  for (const reference of references) {
    const joined = canonicalReference(reference, split);
    if (joined === undefined) continue;
    fast++;
    if (joined !== parsed(reference, base)) wrong.push(`${JSON.stringify(reference)} -> ${joined}, the parser: ${parsed(reference, base)}`);
  }
  expect(wrong).toEqual([]);
  return fast;
}

const BASES = [
  'http://site.test/dir/page.html',
  'http://site.test/dir/page.html?p=1',
  'http://site.test/dir/page.html?p=1#frag',
  'https://site.test/',
  'http://site.test/a/b/',
  'http://127.0.0.1:8080/x/y',
  'https://a-b.c-d.test:8443/deep/er/index.html',
];

// Pieces a reference is built from: the characters the parser keeps, the ones it rewrites, and the forms whose
// meaning turns on one character (dot segments, schemes, authorities, ports, IPv4 hosts, punycode).
const PREFIXES = [
  '', '/', '//', '?', './', '../', '../../', '../../../../', './../', '.././', '.', '..', 'http://', 'https://', 'HTTP://', 'http:', 'http:/', 'mailto:', 'a:', 'page:',
  'http://site.test', 'http://Site.Test', 'http://site.test:80', 'https://site.test:443', 'http://site.test:8080',
  'http://site.test:0', 'http://site.test:65535', 'http://site.test:65536', 'http://site.test:', 'http://127.0.0.1',
  'http://127.1', 'http://0x7f.0.0.1', 'http://010.0.0.1', 'http://256.0.0.1', 'http://1.2.3', 'http://a.b1', 'http://a.1b',
  'http://xn--nxasmq6b.test', 'http://a.xn--bad', 'http://a..b', 'http://a.b.', 'http://u@site.test', 'http://[::1]',
];
const PIECES = [
  'a', 'B', 'z9', '-', '.', '_', '~', '!', '$', '&', "'", '(', ')', '*', '+', ',', ';', '=', ':', '@', '/', '//', '?', '%',
  '%2e', '%2E', '%20', '\\', ' ', '\t', '\n', '#', '"', '<', '>', '`', '{', '}', '|', '^', '[', ']', 'é', '\u0000',
  '/.', '/..', '/./', '/../', 'page.html', 'x.y', '..a', 'a..', '.a',
];
// Only what the parser keeps (and dot segments): most such references take the fast path, the hardest to get right.
const KEPT_PIECES = PIECES.filter((piece) => /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?]+$/.test(piece));

function randomReferences(seed: number, count: number, pieceSet: readonly string[]): string[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: count }, () => {
    let reference = pick(PREFIXES);
    const pieces = Math.floor(random() * 6);
    for (let index = 0; index < pieces; index++) reference += pick(pieceSet);
    return reference;
  });
}

describe('canonicalReference (links joined to their base without the parser)', () => {
  test.each(BASES)('gives what new URL gives, or nothing, for 40,000 generated references against %s', (base) => {
    expect(compare(randomReferences(base.length, 20_000, PIECES), base)).toBeGreaterThan(500);
    expect(compare(randomReferences(base.length + 1, 20_000, KEPT_PIECES), base)).toBeGreaterThan(1_500);
  });

  test('joins the usual forms: relative, root-relative, query-only and absolute', () => {
    const base = canonicalBase('http://site.test/docs/guide/index.html?v=2') as NonNullable<ReturnType<typeof canonicalBase>>;
    const references = ['sql-select.html', 'sub/a.html', './b.html', '../up.html', '../../../../top.html', '../', '/about', '?page=2', 'http://other.test/p?q=1', 'a:b/c'];
    expect(references.map((reference) => canonicalReference(reference, base))).toEqual([
      'http://site.test/docs/guide/sql-select.html',
      'http://site.test/docs/guide/sub/a.html',
      'http://site.test/docs/guide/b.html',
      'http://site.test/docs/up.html',
      'http://site.test/top.html',
      'http://site.test/docs/',
      'http://site.test/about',
      'http://site.test/docs/guide/index.html?page=2',
      'http://other.test/p?q=1',
      undefined,
    ]);
  });

  test('leaves to the parser what it would rewrite', () => {
    const base = canonicalBase('http://site.test/a/b.html') as NonNullable<ReturnType<typeof canonicalBase>>;
    const rewritten = ['x/../y', '.././x', './../x', '..', '.', 'a/./b', 'x/.', '%2e%2e/x', 'a b', 'a\\b', '?q=it\'s', '//other.test/', '', 'HTTP://site.test/',
      'http://site.test', 'http://site.test:80/', 'http://127.1/', 'http://xn--nxasmq6b.test/', 'http://site.test/a/../b', 'é.html'];
    expect(rewritten.filter((reference) => canonicalReference(reference, base) !== undefined)).toEqual([]);
  });

  test('no split for a base the parser would rewrite or that is not http(s)', () => {
    for (const base of ['HTTP://site.test/', 'http://site.test', 'http://site.test/a/../b', 'http://[::1]:8080/x', 'file:///tmp/x.html', 'about:blank', 'http://site.test:80/'])
      expect(canonicalBase(base)).toBeUndefined();
  });

  test('every link of the generated benchmark site, in the forms sites mix, against its page', () => {
    const site = generateSite({ pages: 400, seed: 7, origin: 'http://127.0.0.1:8080' });
    let fast = 0;
    let links = 0;
    for (let index = 0; index < site.pages; index++) {
      const base = `http://127.0.0.1:8080${site.pathOf(index)}`;
      const references = site.linksOf(index).map((link) => link.href.split('#')[0] as string);
      links += references.length;
      fast += compare(references, base);
    }
    expect(fast).toBeGreaterThan(links / 2);
  });
});
