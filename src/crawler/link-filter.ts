import type { FoundLink } from '../extractors/extractor.js';
import type { NormalizedUrl } from './normalize.js';
import type { SkipReason } from './page-record.js';
import type { ScopeCheck } from './scope.js';
import { isAbsoluteHttp, linkKey } from './link-key.js';
import { detectTrap } from './traps.js';

/** The rules a discovered link is checked against before the seen-set (all pure). */
export interface LinkRules {
  normalize: (url: string, base?: string) => NormalizedUrl | null;
  inScope: ScopeCheck;
  maxUrlLength: number;
  maxRepeatedSegments: number;
  followNofollow: boolean;
}

/** A link that passed every rule but the seen-set and the hook. */
export interface Candidate {
  /** The link as found (its `url` not normalized). */
  link: FoundLink;
  /** The normalized URL. */
  url: string;
}

/** The links of one page, sorted into candidates and skips. */
export interface FilteredLinks {
  candidates: Candidate[];
  /** Distinct in-scope links on the page (followed or not). */
  inScope: number;
  skipped: Map<SkipReason, number>;
}

/** What the URL-level rules say of one URL: its normalized form, and why it is skipped (`null`: in scope). */
interface Verdict {
  url: string | null;
  skip: SkipReason | null;
}

const HTTP_SCHEME = /^https?:/i;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
// Site-wide links (navigation, footers) repeat on every page: remembering verdicts saves most normalization work.
// At 10,000 entries, the generated site (20,000 pages linking 21,057 distinct URLs at random) missed 38% of the
// lookups of its first 8,000 pages and emptied the cache 15 times; with room for all of them it misses each once in
// its 1 million lookups, and the main thread took about 5% less CPU (BENCHMARKS.md, "Sixth session"). A full cache
// holds about 7 MB: a key, a small object and, only when it differs from the key, the normalized URL. (An earlier
// bound of 50,000, which kept both strings always, cost 8 MB of peak RSS there and was cut to 10,000: BENCHMARKS.md,
// "Where the memory went".)
const MAX_CACHED_VERDICTS = 50_000;
const verdictCaches = new WeakMap<LinkRules, Map<string, Verdict>>();

function judge(rawUrl: string, rules: LinkRules, base: string | undefined): Verdict {
  const normalized = rules.normalize(rawUrl, base);
  if (normalized === null) return { url: null, skip: HTTP_SCHEME.test(rawUrl) || !SCHEME.test(rawUrl) ? 'invalid' : 'scheme' };
  const trap = detectTrap(normalized.href, normalized.pathname, rules.maxUrlLength, rules.maxRepeatedSegments);
  if (trap) return { url: normalized.href, skip: trap };
  return { url: normalized.href, skip: rules.inScope(normalized) ? null : 'scope' };
}

/** The verdict for one URL, remembered per rule set for absolute URLs (whose verdict does not depend on the base). */
function verdictOf(rawUrl: string, rules: LinkRules, base: string | undefined): Verdict {
  if (!isAbsoluteHttp(rawUrl)) return judge(rawUrl, rules, base);
  let cache = verdictCaches.get(rules);
  if (!cache) {
    cache = new Map();
    verdictCaches.set(rules, cache);
  }
  // Keyed without the fragment: pages link many sections of one page, and the verdict is the same.
  const key = linkKey(rawUrl);
  let verdict = cache.get(key);
  if (!verdict) {
    if (cache.size >= MAX_CACHED_VERDICTS) cache.clear();
    verdict = judge(key, rules, base);
    // Most links are written normalized: the cache then keeps one string for the key and the URL, not two equal ones.
    if (verdict.url === key) verdict.url = key;
    cache.set(key, verdict);
  }
  return verdict;
}

/**
 * Applies the link rules in order: scheme and validity, trap guards, scope (with include/exclude), nofollow, and depth
 * (`expand` false at maxDepth). Duplicates within the page are dropped silently, except that a plain link to a URL
 * linked earlier with rel=nofollow is followed. Relative URLs (as a custom `parse()` may return) resolve against
 * `base`. Pure (verdicts for absolute URLs are memoized per `rules` object).
 */
export function filterLinks(links: readonly FoundLink[], rules: LinkRules, expand: boolean, base?: string): FilteredLinks {
  const skipped = new Map<SkipReason, number>();
  const skip = (reason: SkipReason) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  // Normalized URL -> whether its first occurrence on the page was skipped for nofollow.
  const onPage = new Map<string, boolean>();
  const candidates: Candidate[] = [];
  let inScope = 0;
  const follow = (link: FoundLink, url: string) => {
    if (!expand) skip('depth');
    else candidates.push({ link, url });
  };
  for (const link of links) {
    const verdict = verdictOf(link.url, rules, base);
    const url = verdict.url;
    if (url === null) {
      skip(verdict.skip as SkipReason);
      continue;
    }
    const wasNofollow = onPage.get(url);
    if (wasNofollow !== undefined) {
      // rel=nofollow marks one link, not the URL: a plain link to the same URL elsewhere on the page is followed.
      if (wasNofollow && !link.nofollow) {
        onPage.set(url, false);
        skipped.set('nofollow', (skipped.get('nofollow') ?? 1) - 1);
        follow(link, url);
      }
      continue;
    }
    onPage.set(url, false);
    if (verdict.skip) {
      skip(verdict.skip);
      continue;
    }
    inScope++;
    if (link.nofollow && !rules.followNofollow) {
      skip('nofollow');
      onPage.set(url, true);
    } else follow(link, url);
  }
  if (skipped.get('nofollow') === 0) skipped.delete('nofollow');
  return { candidates, inScope, skipped };
}
