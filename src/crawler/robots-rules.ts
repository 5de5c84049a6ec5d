// RFC 9309 robots.txt parsing and matching. Pure: text in, groups out; a path in, allowed or not out.

/** One Allow or Disallow line of a group, its pattern normalized (RFC 9309 2.2.2). */
interface Rule {
  readonly allow: boolean;
  /** The pattern's literal start, before its first `*` or `$`: every path it matches starts with it. */
  readonly prefix: string;
  /** `*`-separated pieces after the prefix; `undefined` for a plain prefix rule. */
  readonly pieces: readonly string[] | undefined;
  /** The pattern ends with `$`: the path must end where the pattern does. */
  readonly anchored: boolean;
  /** {@link charMask} of the pieces: a path lacking one of these characters cannot match. */
  readonly mask: number;
  /** Longer patterns win; on equal length Allow wins (RFC 9309 2.2.2): `length * 2 + (allow ? 1 : 0)`. */
  readonly rank: number;
}

/** A group's rules, with an index that finds the rules able to match a path without looking at the others. */
export class RobotsGroup {
  /** Rules by the hash of their prefix, best rank first. */
  readonly #byPrefix = new Map<number, Rule[]>();
  /** Which prefix lengths some rule has (lengths above the longest are never looked up). */
  readonly #lengths: Uint8Array;

  constructor(rules: readonly Rule[]) {
    const longest = rules.reduce((max, rule) => Math.max(max, rule.prefix.length), 0);
    this.#lengths = new Uint8Array(longest + 1);
    for (const rule of rules) {
      this.#lengths[rule.prefix.length] = 1;
      const key = prefixHash(rule.prefix);
      const bucket = this.#byPrefix.get(key);
      if (bucket) bucket.push(rule);
      else this.#byPrefix.set(key, [rule]);
    }
    for (const bucket of this.#byPrefix.values()) bucket.sort((a, b) => b.rank - a.rank);
  }

  /**
   * Whether the group lets a path (with its query, already normalized by {@link normalizeRobotsPath}) be fetched:
   * the matching rule with the longest pattern decides, Allow on a tie; no match allows. The walk hashes the path's
   * prefixes once, so a check costs the path's length plus the few rules whose prefix the path starts with.
   */
  isAllowed(path: string): boolean {
    let best = -1;
    let hash = HASH_SEED;
    let mask = -1;
    const end = Math.min(path.length, this.#lengths.length - 1);
    for (let length = 0; ; length++) {
      if (this.#lengths[length] === 1) {
        const bucket = this.#byPrefix.get(hash >>> 0);
        if (bucket) {
          for (const rule of bucket) {
            if (rule.rank <= best) break;
            if (rule.prefix.length !== length || !path.startsWith(rule.prefix)) continue;
            // Rules like `/*/print` all share the prefix `/`; the mask turns most of them away without a search.
            if (rule.pieces && (rule.mask & ~(mask === -1 ? (mask = charMask(path)) : mask)) !== 0) continue;
            if (matchesRest(rule, path)) {
              best = rule.rank;
              break;
            }
          }
        }
      }
      if (length >= end) break;
      hash = Math.imul(hash ^ path.charCodeAt(length), HASH_PRIME);
    }
    return best < 0 || (best & 1) === 1;
  }
}

/** One bit per character class (code unit mod 31), set for each character of `text`. Never -1. */
function charMask(text: string): number {
  let mask = 0;
  for (let index = 0; index < text.length; index++) mask |= 1 << text.charCodeAt(index) % 31;
  return mask;
}

// FNV-1a over UTF-16 code units: cheap to extend one character at a time along the path.
const HASH_SEED = 0x811c9dc5;
const HASH_PRIME = 0x01000193;

function prefixHash(text: string): number {
  let hash = HASH_SEED;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), HASH_PRIME);
  return hash >>> 0;
}

// The prefix matched: the pieces must follow in order (leftmost placement leaves the most room for the rest), and an
// anchored pattern's last piece must end the path. No backtracking, so no pattern can make a check slow.
function matchesRest(rule: Rule, path: string): boolean {
  const pieces = rule.pieces;
  if (!pieces) return !rule.anchored || path.length === rule.prefix.length;
  let position = rule.prefix.length;
  const last = pieces.length - 1;
  for (let index = 0; index < last; index++) {
    const found = path.indexOf(pieces[index] as string, position);
    if (found < 0) return false;
    position = found + (pieces[index] as string).length;
  }
  const tail = pieces[last] as string;
  if (rule.anchored) return path.length - tail.length >= position && path.endsWith(tail);
  return path.indexOf(tail, position) >= 0;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;
// Characters a URL carries percent-encoded (WHATWG URL encode sets), so a pattern written with them raw still matches.
const ENCODED_ASCII = /[\x00-\x20"<>`{}|\\^\x7f]/;
const HEX = '0123456789ABCDEF';

function encodeAll(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) out += `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  return out;
}

/**
 * Normalizes a path (or a pattern) for comparison, as RFC 9309 2.2.2 asks: characters outside ASCII (and those a URL
 * always percent-encodes) are percent-encoded as UTF-8, `%XX` of an unreserved character is decoded, other `%xx` get
 * upper-case hex. With `literalSpecials` (for URL paths), `*` and `$` are encoded too, since in a pattern they are
 * special and a literal one is written `%2A` / `%24`. Pure.
 */
export function normalizeRobotsPath(text: string, literalSpecials = false): string {
  if (!/[%*$\x00-\x20"<>`{}|\\^\x7f-\uffff]/.test(text)) return text;
  let out = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    const code = char.charCodeAt(0);
    if (char === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(index + 1, index + 3))) {
      const decoded = String.fromCharCode(parseInt(text.slice(index + 1, index + 3), 16));
      out += UNRESERVED.test(decoded) ? decoded : `%${text.slice(index + 1, index + 3).toUpperCase()}`;
      index += 2;
    } else if (literalSpecials && (char === '*' || char === '$')) {
      out += encodeAll(char);
    } else if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      out += encodeAll(text.slice(index, index + 2));
      index++;
    } else if (code > 0x7f || ENCODED_ASCII.test(char)) {
      out += encodeAll(char);
    } else {
      out += char;
    }
  }
  return out;
}

/** Builds a rule from an Allow/Disallow value; `undefined` for an empty one (RFC 9309 2.2.2: it matches nothing). */
function ruleOf(allow: boolean, value: string): Rule | undefined {
  if (value === '') return undefined;
  const pattern = normalizeRobotsPath(value);
  const anchored = pattern.endsWith('$');
  // A `$` anywhere else is an ordinary character, which a URL path carries as %24.
  const body = (anchored ? pattern.slice(0, -1) : pattern).replaceAll('$', '%24');
  const star = body.indexOf('*');
  const prefix = star < 0 ? body : body.slice(0, star);
  const pieces = star < 0 ? undefined : body.slice(star + 1).split('*').filter((piece, index, all) => piece !== '' || index === all.length - 1);
  return {
    allow,
    prefix,
    pieces: pieces && pieces.length > 0 ? pieces : undefined,
    anchored: anchored && !(pieces && pieces.at(-1) === ''),
    mask: charMask(pieces?.join('') ?? ''),
    rank: pattern.length * 2 + (allow ? 1 : 0),
  };
}

/** A robots.txt as groups of rules per product token. */
export interface ParsedRobotsTxt {
  /** Rules per lower-case product token (`*` included); groups naming the same token are merged (RFC 9309 2.2.1). */
  readonly groups: ReadonlyMap<string, RobotsGroup>;
  /** The largest Crawl-delay, in seconds, of the groups naming each token (a non-standard record). */
  readonly crawlDelays: ReadonlyMap<string, number>;
  /** `Sitemap:` values, in file order. */
  readonly sitemaps: readonly string[];
}

const KEYS: Record<string, 'user-agent' | 'allow' | 'disallow' | 'sitemap' | 'crawl-delay'> = {
  'user-agent': 'user-agent',
  useragent: 'user-agent',
  'user agent': 'user-agent',
  allow: 'allow',
  disallow: 'disallow',
  // Common misspellings, read as Google's parser reads them.
  dissallow: 'disallow',
  dissalow: 'disallow',
  disalow: 'disallow',
  diasllow: 'disallow',
  disallaw: 'disallow',
  sitemap: 'sitemap',
  'site-map': 'sitemap',
  'crawl-delay': 'crawl-delay',
};

/** The product token of a `User-agent:` value: `Foo Bar` and `FooBot/1.2` name `foo` and `foobot`. */
function agentToken(value: string): string {
  return (value.split(/[\s/]/, 1)[0] ?? '').toLowerCase();
}

/** Splits a line into key and value: `key: value`, or `key value` for a known key whose colon was forgotten. */
function splitLine(line: string): [string, string] | undefined {
  const colon = line.indexOf(':');
  if (colon >= 0) return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
  const match = /^(\S+)\s+(.*)$/.exec(line);
  const key = match?.[1]?.toLowerCase();
  return key && key in KEYS ? [key, (match?.[2] ?? '').trim()] : undefined;
}

/**
 * Parses a robots.txt (RFC 9309 2.2): lines end with LF, CR or CRLF; `#` starts a comment; keys are
 * case-insensitive. A group is one or more `User-agent` lines and the rules after them; a `User-agent` line after a
 * rule starts the next group, and nothing else ends one (2.2.4: `Sitemap`, `Crawl-delay` and unknown records do not).
 * Rules before any `User-agent` line are ignored. Never throws. Pure.
 */
export function parseRobotsTxt(text: string): ParsedRobotsTxt {
  const found: Array<{ agents: string[]; rules: Rule[]; crawlDelay: number | undefined }> = [];
  const sitemaps: string[] = [];
  let group: (typeof found)[number] | undefined;
  let afterRules = true;
  for (const raw of text.replace(/^[\ufeff\ufffd]+/, '').split(/\r\n|\r|\n/)) {
    const hash = raw.indexOf('#');
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (line === '') continue;
    const pair = splitLine(line);
    if (!pair) continue;
    const key = KEYS[pair[0]];
    const value = pair[1];
    if (key === 'user-agent') {
      if (afterRules || !group) found.push((group = { agents: [], rules: [], crawlDelay: undefined }));
      afterRules = false;
      const token = agentToken(value);
      if (token) group.agents.push(token);
    } else if (key === 'allow' || key === 'disallow') {
      afterRules = true;
      const rule = ruleOf(key === 'allow', value);
      if (rule) group?.rules.push(rule);
    } else if (key === 'crawl-delay') {
      const seconds = Number(value);
      if (group && value !== '' && Number.isFinite(seconds) && seconds >= 0) group.crawlDelay = Math.max(group.crawlDelay ?? 0, seconds);
    } else if (key === 'sitemap' && value !== '') {
      sitemaps.push(value);
    }
  }
  const rulesByAgent = new Map<string, Rule[]>();
  const crawlDelays = new Map<string, number>();
  for (const { agents, rules, crawlDelay } of found) {
    for (const agent of new Set(agents)) {
      // A group with no rule still names its agents: they then obey no rule rather than the `*` group.
      let merged = rulesByAgent.get(agent);
      if (!merged) rulesByAgent.set(agent, (merged = []));
      for (const rule of rules) merged.push(rule);
      if (crawlDelay !== undefined) crawlDelays.set(agent, Math.max(crawlDelays.get(agent) ?? 0, crawlDelay));
    }
  }
  const groups = new Map<string, RobotsGroup>();
  for (const [agent, rules] of rulesByAgent) groups.set(agent, new RobotsGroup(rules));
  return { groups, crawlDelays, sitemaps };
}
