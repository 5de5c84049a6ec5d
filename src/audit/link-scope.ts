import { createUrlNormalizer } from '../crawler/normalize.js';
import type { ResolvedOptions } from '../crawler/options.js';
import { createScope } from '../crawler/scope.js';

/**
 * Where a link points, as the audit sees it: `internal` (what the crawl covers: the crawl fetches it or the link
 * checker does), `external` (outside the crawl's scope: checked only when asked), `excluded` (inside the scope but
 * ruled out by `include`/`exclude`: never requested).
 */
export type LinkZone = 'internal' | 'external' | 'excluded';

/** A reference's URL, normalized as the crawl's seen-set has it, with its fragment and zone. */
export interface LinkTarget {
  /** The normalized URL, fragment dropped: the key every check and every page record is found under. */
  url: string;
  /** The fragment as written (without `#`), `''` when there is none. */
  fragment: string;
  zone: LinkZone;
}

/** The crawl options the zones depend on. */
export type LinkScopeOptions = Pick<ResolvedOptions, 'startUrls' | 'scope' | 'include' | 'exclude' | 'sortQuery' | 'stripQuery' | 'stripParams'>;

/**
 * Builds the classifier of reference URLs: normalizes with the crawl's rules (so keys match page records) and sorts
 * into zones with the crawl's scope. Returns `null` for anything that is not an http(s) URL. Pure.
 */
export function createLinkScope(options: LinkScopeOptions): (url: string) => LinkTarget | null {
  const normalize = createUrlNormalizer(options);
  const inScope = createScope(options.startUrls, options.scope);
  const inFilters = createScope(options.startUrls, 'any', options.include, options.exclude);
  return (url) => {
    const normalized = normalize(url);
    if (normalized === null) return null;
    const hash = url.indexOf('#');
    const fragment = hash === -1 ? '' : url.slice(hash + 1);
    const zone: LinkZone = !inScope(normalized) ? 'external' : inFilters(normalized) ? 'internal' : 'excluded';
    return { url: normalized.href, fragment, zone };
  };
}
