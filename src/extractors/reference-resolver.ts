import { canonicalBase, canonicalReference } from './canonical-reference.js';
import type { CanonicalBase } from './canonical-reference.js';

// A fragment of printable ASCII outside the WHATWG fragment percent-encode set (C0 controls, space, '"', '<', '>', '`',
// and everything above '~'): the URL serializer writes it back unchanged, and it has no white space to trim.
const VERBATIM_FRAGMENT = /^[!#-;=?-_a-~]*$/;

/** `new URL(reference, base).href`, or `null` when that throws. */
function parsed(reference: string, base: string): string | null {
  try {
    return new URL(reference, base).href;
  } catch {
    return null;
  }
}

/** Resolves `href` as the crawler always has: trimmed (JavaScript white space), then the WHATWG parser; `null` if invalid. */
export function resolveReference(href: string, base: string): string | null {
  return parsed(href.trim(), base);
}

/**
 * Resolves the references of one page against its base URL, the part before '#' parsed once. A page links many sections
 * of a few pages (`a.html#x`, `a.html#y`, ...): the part before '#' is resolved (and remembered) once and the fragment
 * appended when that is provably what the WHATWG parser gives, that is when the fragment is serialized verbatim and
 * the part before '#' does not end in a C0 control or space (which the parser strips when trailing but keeps before a
 * fragment). A reference the parser would keep as written is joined to the base by hand (canonical-reference.ts).
 * Anything else takes the parser's full path. Results equal {@link resolveReference}'s.
 */
export class ReferenceResolver {
  readonly #base: string;
  readonly #canonicalBase: CanonicalBase | undefined;
  // Trimmed reference without fragment -> `new URL(reference, base).href`, or null when invalid.
  readonly #resolved = new Map<string, string | null>();

  constructor(base: string) {
    this.#base = base;
    this.#canonicalBase = canonicalBase(base);
  }

  /** The base URL references resolve against. */
  get base(): string {
    return this.#base;
  }

  /** `href` resolved against the base (fragment kept), or `null` when it is not a valid URL. */
  resolve(href: string): string | null {
    const hash = href.indexOf('#');
    // A reference without a fragment is seldom repeated on a page (pages linking distinct pages would only fill the map):
    // it takes what a fragment's reference left, else the parser.
    if (hash === -1) {
      const reference = href.trim();
      return this.#resolved.get(reference) ?? this.#joined(reference) ?? parsed(reference, this.#base);
    }
    const fragment = href.slice(hash + 1);
    const before = href.slice(0, hash).trimStart();
    if (!VERBATIM_FRAGMENT.test(fragment) || (before.length > 0 && before.charCodeAt(before.length - 1) <= 0x20)) return resolveReference(href, this.#base);
    const resolved = this.#resolvedOnce(before);
    // Invalid without its fragment may still be valid with it ('#x' against a base with an opaque path).
    return resolved === null ? resolveReference(href, this.#base) : `${resolved}#${fragment}`;
  }

  #resolvedOnce(reference: string): string | null {
    let resolved = this.#resolved.get(reference);
    if (resolved === undefined) {
      resolved = this.#joined(reference) ?? parsed(reference, this.#base);
      this.#resolved.set(reference, resolved);
    }
    return resolved;
  }

  /** The reference joined to the base by hand, when the parser would keep it as written (else `undefined`). */
  #joined(reference: string): string | undefined {
    return this.#canonicalBase && canonicalReference(reference, this.#canonicalBase);
  }
}
