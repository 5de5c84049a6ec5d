/** How query strings are treated when URLs are normalized for the seen-set. */
export interface NormalizeOptions {
  /** Sort parameters by name (stable for equal names). */
  sortQuery?: boolean;
  /** Drop the query string entirely. */
  stripQuery?: boolean;
  /** Parameter names to drop; a trailing `*` matches any name with that prefix (`utm_*`). */
  stripParams?: readonly string[];
}

// RFC 3986 2.3: unreserved characters are equivalent whether percent-encoded or not.
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const PERCENT_ESCAPE = /%([0-9A-Fa-f]{2})/g;

/** Decodes escapes of unreserved characters and upper-cases the hex digits of the rest (RFC 3986 6.2.2.1-2). */
function normalizePercentEncoding(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(PERCENT_ESCAPE, (escape, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });
}

function paramMatcher(patterns: readonly string[]): (name: string) => boolean {
  const exact = new Set(patterns.filter((pattern) => !pattern.endsWith('*')));
  const prefixes = patterns.filter((pattern) => pattern.endsWith('*')).map((pattern) => pattern.slice(0, -1));
  return (name) => exact.has(name) || prefixes.some((prefix) => name.startsWith(prefix));
}

// A query is a list of raw `name=value` parts; they are kept encoded as found so nothing but order and removal changes.
function normalizeQuery(search: string, options: NormalizeOptions, shouldStrip: (name: string) => boolean): string {
  if (search.length <= 1 || options.stripQuery) return '';
  let parts = search.slice(1).split('&').filter((part) => part.length > 0);
  if (options.stripParams && options.stripParams.length > 0) {
    parts = parts.filter((part) => !shouldStrip(decodeName(part)));
  }
  if (options.sortQuery) {
    parts = parts
      .map((part, index) => ({ part, index, name: decodeName(part) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.index - b.index))
      .map(({ part }) => part);
  }
  return parts.length === 0 ? '' : `?${normalizePercentEncoding(parts.join('&'))}`;
}

function decodeName(part: string): string {
  const raw = part.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** A normalized URL and the parts the scope rules read, so nothing parses it a second time. */
export interface NormalizedUrl {
  /** The canonical string, what the seen-set stores. */
  href: string;
  hostname: string;
  /** `scheme://host[:port]`. */
  origin: string;
  /** The normalized path. */
  pathname: string;
}

/**
 * Builds the normalizer the seen-set uses, returning the canonical form with its parts. See {@link createNormalizer}.
 */
export function createUrlNormalizer(options: NormalizeOptions = {}): (input: string, base?: string | URL) => NormalizedUrl | null {
  const shouldStrip = paramMatcher(options.stripParams ?? []);
  return (input, base) => {
    let url: URL;
    try {
      // WHATWG URL already lower-cases scheme and host, drops default ports, resolves dot segments and gives http(s) an
      // empty path of `/`.
      url = new URL(input, base);
    } catch {
      return null;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    const pathname = normalizePercentEncoding(url.pathname);
    const query = normalizeQuery(url.search, options, shouldStrip);
    // Credentials are dropped: they are never sent, so `user@host/a` and `host/a` fetch the same thing.
    const origin = `${url.protocol}//${url.host}`;
    return { href: `${origin}${pathname}${query}`, hostname: url.hostname, origin, pathname };
  };
}

/**
 * Builds the normalizer the seen-set uses. The returned function turns an absolute URL (or a reference plus a base)
 * into its canonical string: lower-case scheme and host, default port dropped, dot segments resolved, empty path as
 * `/`, fragment and credentials dropped, percent-encoding normalized, the query per `options`. Returns `null` for
 * anything that is not a valid http(s) URL. Pure: no I/O.
 */
export function createNormalizer(options: NormalizeOptions = {}): (input: string, base?: string | URL) => string | null {
  const normalize = createUrlNormalizer(options);
  return (input, base) => normalize(input, base)?.href ?? null;
}

/** Normalizes one URL with default options (query kept as is). See {@link createNormalizer}. */
export function normalizeUrl(input: string, base?: string | URL, options?: NormalizeOptions): string | null {
  return createNormalizer(options)(input, base);
}
