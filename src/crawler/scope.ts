import { createRequire } from 'node:module';
import type * as Tldts from 'tldts';
import { normalizeUrl } from './normalize.js';
import type { Scope } from './options.js';

/** The parts of a normalized URL the scope rules read (a `URL` has them all). */
export interface ScopedUrl {
  href: string;
  hostname: string;
  origin: string;
  pathname: string;
}

/** Decides whether a normalized URL belongs to the crawl. */
export type ScopeCheck = (url: ScopedUrl) => boolean;

let tldts: typeof Tldts | undefined;

/** The registrable domain (`example.co.uk` for `a.b.example.co.uk`); the hostname itself for IPs and `localhost`. */
export function registrableDomain(hostname: string): string {
  // tldts (the public suffix list) is loaded on first use, by the `domain` scope only: about 60 ms of start-up that a
  // crawl of one host never needs (issue 15). It ships CommonJS, so `require` keeps this synchronous.
  tldts ??= createRequire(import.meta.url)('tldts') as typeof Tldts;
  return tldts.getDomain(hostname, { allowPrivateDomains: true }) ?? hostname;
}

/** The directory a `prefix` scope keeps to: the start path up to and including its last `/` (as wget's --no-parent). */
export function scopePrefix(start: URL): string {
  return start.pathname.slice(0, start.pathname.lastIndexOf('/') + 1);
}

function startMatcher(start: URL, scope: Scope): ScopeCheck {
  switch (scope) {
    case 'any':
      return () => true;
    case 'host':
      return (url) => url.hostname === start.hostname;
    case 'origin':
      return (url) => url.origin === start.origin;
    case 'domain': {
      const domain = registrableDomain(start.hostname);
      return (url) => url.hostname === domain || url.hostname.endsWith(`.${domain}`);
    }
    case 'prefix': {
      const prefix = scopePrefix(start);
      return (url) => url.origin === start.origin && url.pathname.startsWith(prefix);
    }
  }
}

/**
 * Builds the scope rule: a URL is in scope when it is within `scope` of any start URL, matches at least one `include`
 * pattern (when any are given) and no `exclude` pattern. Patterns are tested against the normalized URL string. Pure.
 */
export function createScope(
  startUrls: readonly string[],
  scope: Scope,
  include: readonly RegExp[] = [],
  exclude: readonly RegExp[] = [],
): ScopeCheck {
  // Links are checked in normalized form, so the starts are too (`/%7Euser/` and `/~user/` are one prefix).
  const matchers = startUrls.map((start) => startMatcher(new URL(normalizeUrl(start) ?? start), scope));
  return (url) => {
    if (!matchers.some((matches) => matches(url))) return false;
    const href = url.href;
    if (include.length > 0 && !include.some((pattern) => test(pattern, href))) return false;
    return !exclude.some((pattern) => test(pattern, href));
  };
}

// A global or sticky RegExp keeps lastIndex between calls; reset it so every URL is tested from the start.
function test(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(text);
}
