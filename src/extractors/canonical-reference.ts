// A reference the WHATWG parser would give back unchanged, joined to its base by hand: most links on real pages are
// such (`page.html`, `/docs/a.html`, `http://host/p`), and the parser costs microseconds per link where a regular
// expression costs a fraction of one (issue 15: a page's links were parsed on its worker and again on the main thread).
// Only the characters the parser keeps as written pass: no '%' (a `%2e` segment is a dot segment), no '\' (a '/' in
// http(s)), no white space or controls (stripped or encoded), no `'` in a query (encoded in http(s) URLs).

/** A path of segments and an optional query, every character one the parser keeps as written. */
const PLAIN_PATH_AND_QUERY = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]*(?:\?[A-Za-z0-9\-._~!$&()*+,;=:@/?]*)?$/;
/** A '.' or '..' segment anywhere in a path (the parser removes them). */
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:[/?]|$)/;
/** A scheme at the start (`mailto:`, `http:`; `page:1.html` too, which the parser reads as one). */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
/** An absolute http(s) URL: scheme, host, optional port, then a path that starts with '/'. */
const ABSOLUTE = /^(https?):\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::([1-9][0-9]{0,4}))?(\/.*)$/;
/** An IPv4 address as the parser writes one: four decimal numbers up to 255, without leading zeros. */
const CANONICAL_IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;
const DEFAULT_PORT: Record<string, string> = { http: '80', https: '443' };

/** A host the parser writes back unchanged: lower-case ASCII labels, no punycode, and not an IPv4 address it rewrites. */
function isCanonicalHost(host: string): boolean {
  if (host.startsWith('xn--') || host.includes('.xn--')) return false;
  // A last label that starts with a digit makes the host an IPv4 address (`127.1`, `0x7f.1`, `010.0.0.1`).
  const last = host.slice(host.lastIndexOf('.') + 1);
  return !(last.charCodeAt(0) >= 0x30 && last.charCodeAt(0) <= 0x39) || CANONICAL_IPV4.test(host);
}

/** A base URL split for joining; built only from a base the parser writes back unchanged. */
export interface CanonicalBase {
  /** `scheme://host[:port]`. */
  origin: string;
  /** The base up to and including the last '/' of its path. */
  directory: string;
  /** The base without its query and fragment. */
  withoutQuery: string;
}

/** Splits `base` for {@link canonicalReference}, or `undefined` when it is not an http(s) URL as the parser writes it. */
export function canonicalBase(base: string): CanonicalBase | undefined {
  const match = ABSOLUTE.exec(base);
  if (match === null) return undefined;
  let parsed: string;
  try {
    parsed = new URL(base).href;
  } catch {
    return undefined;
  }
  if (parsed !== base) return undefined;
  const pathStart = base.length - (match[4] as string).length;
  const end = base.search(/[?#]/);
  const withoutQuery = end === -1 ? base : base.slice(0, end);
  return { origin: base.slice(0, pathStart), directory: withoutQuery.slice(0, withoutQuery.lastIndexOf('/') + 1), withoutQuery };
}

/**
 * `new URL(reference, base).href` for a reference without a fragment when the parser would keep every character of
 * it as written, else `undefined` (then ask the parser). Exact: tests/extractors/canonical-reference.test.ts compares
 * it with the parser on every reference of the benchmark sites and on generated ones.
 */
export function canonicalReference(reference: string, base: CanonicalBase): string | undefined {
  const first = reference.charCodeAt(0);
  if (first === 0x2f /* / */) {
    if (reference.charCodeAt(1) === 0x2f || !PLAIN_PATH_AND_QUERY.test(reference) || DOT_SEGMENT.test(reference)) return undefined;
    return base.origin + reference;
  }
  if (first === 0x3f /* ? */) return PLAIN_PATH_AND_QUERY.test(reference) ? base.withoutQuery + reference : undefined;
  if (SCHEME.test(reference)) {
    const match = ABSOLUTE.exec(reference);
    if (match === null || !isCanonicalHost(match[2] as string)) return undefined;
    const port = match[3];
    if (port !== undefined && (Number(port) > 65535 || port === DEFAULT_PORT[match[1] as string])) return undefined;
    const path = match[4] as string;
    return PLAIN_PATH_AND_QUERY.test(path) && !DOT_SEGMENT.test(path) ? reference : undefined;
  }
  // A path relative to the base's directory, after any leading '../' (up a level each) or one './' (an empty
  // reference, the base itself, is left to the parser).
  if (reference.length === 0) return undefined;
  let rest = reference;
  let levels = 0;
  while (rest.startsWith('../')) {
    rest = rest.slice(3);
    levels++;
  }
  if (levels === 0 && rest.startsWith('./')) rest = rest.slice(2);
  if (!PLAIN_PATH_AND_QUERY.test(rest) || DOT_SEGMENT.test(rest)) return undefined;
  return up(base, levels) + rest;
}

/** The base's directory `levels` levels up, never above the root (as the parser does with '..'). */
function up(base: CanonicalBase, levels: number): string {
  const root = base.origin.length;
  let end = base.directory.length - 1;
  for (let level = 0; level < levels && end > root; level++) end = base.directory.lastIndexOf('/', end - 1);
  return base.directory.slice(0, end + 1);
}
