import type { FoundLink } from '../extractors/extractor.js';
import type { SkipReason } from './page-record.js';
import type { ScopeCheck } from './scope.js';
import { detectTrap } from './traps.js';

/** The rules a discovered link is checked against before the seen-set (all pure). */
export interface LinkRules {
  normalize: (url: string, base?: string) => string | null;
  inScope: ScopeCheck;
  maxUrlLength: number;
  maxRepeatedSegments: number;
  followNofollow: boolean;
}

/** A link that passed every rule but the seen-set and the hook. */
export interface Candidate {
  link: FoundLink;
  url: string;
}

/** The links of one page, sorted into candidates and skips. */
export interface FilteredLinks {
  candidates: Candidate[];
  /** Distinct in-scope links on the page (followed or not). */
  inScope: number;
  skipped: Map<SkipReason, number>;
}

const HTTP_SCHEME = /^https?:/i;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Applies the link rules in order: scheme and validity, trap guards, scope (with include/exclude), nofollow, and depth
 * (`expand` false at maxDepth). Duplicates within the page are dropped silently, except that a plain link to a URL
 * linked earlier with rel=nofollow is followed. Relative URLs (as a custom `parse()` may return) resolve against `base`. Pure.
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
    else candidates.push({ link: { ...link, url }, url });
  };
  for (const link of links) {
    const url = rules.normalize(link.url, base);
    if (url === null) {
      skip(HTTP_SCHEME.test(link.url) || !SCHEME.test(link.url) ? 'invalid' : 'scheme');
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
    const parsed = new URL(url);
    const trap = detectTrap(url, parsed.pathname, rules.maxUrlLength, rules.maxRepeatedSegments);
    if (trap) {
      skip(trap);
      continue;
    }
    if (!rules.inScope(parsed)) {
      skip('scope');
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
