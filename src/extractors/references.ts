import type { Element } from './dom.js';
import { findElements } from './dom.js';
import type { Page } from './page.js';
import { parseSrcset } from './srcset.js';

/** One reference a page makes to another URL: a link, an image, a script, a stylesheet, a frame, a media source. */
export interface PageReference {
  /** Absolute URL (resolved against the page and `<base href>`, fragment kept), or the raw value when `invalid`. */
  url: string;
  /** The element it came from (`a`, `img`, `link`, ...). */
  element: string;
  /** The attribute it came from (`href`, `src`, `srcset`, `poster`, `data`). */
  attribute: string;
  /** What a reader sees: link text (or the alt of an image inside it), `alt` of images and areas, `rel` of `<link>`. */
  text: string;
  /** The element's `rel`, when it has one. */
  rel?: string;
  /** A link the page or the element asked not to be followed (`rel=nofollow`, robots meta nofollow). */
  nofollow?: boolean;
  /** The value is not a URL (it could not be resolved). */
  invalid?: boolean;
  /** An `http:` subresource on an `https:` page (mixed content: blocked or upgraded by browsers). */
  mixed?: boolean;
}

/** Elements whose target is a document a person navigates to or that is shown as one (frames). */
export const DOCUMENT_ELEMENTS: ReadonlySet<string> = new Set(['a', 'area', 'iframe', 'frame']);
// `<link>` types that make the browser fetch the target as part of the page (HTML 4.6.7); the others (canonical,
// alternate, next, author, ...) name other documents.
const SUBRESOURCE_RELS = new Set(['stylesheet', 'icon', 'apple-touch-icon', 'apple-touch-icon-precomposed', 'mask-icon', 'preload', 'modulepreload', 'prefetch', 'manifest']);

// Which attributes of which elements hold URLs (HTML 4.x per element). `srcset` holds a candidate list.
const URL_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  a: ['href'],
  area: ['href'],
  link: ['href'],
  img: ['src', 'srcset'],
  source: ['src', 'srcset'],
  script: ['src'],
  iframe: ['src'],
  frame: ['src'],
  video: ['src', 'poster'],
  audio: ['src'],
  track: ['src'],
  embed: ['src'],
  object: ['data'],
};
const ELEMENTS = Object.keys(URL_ATTRIBUTES);
// These name an origin to connect to early, not a resource: fetching them tells nothing (HTML 4.6.7).
const ORIGIN_ONLY_RELS = new Set(['dns-prefetch', 'preconnect']);
// References that are not fetched as documents or resources: mail, phone, script URLs and inline data.
const IGNORED_SCHEMES = /^(?:mailto|tel|sms|javascript|data|about|blob|file|ftp|news|irc|geo|callto|skype|whatsapp|urn):/i;

/** The `rel` tokens of an element, lower-case. */
export function relTokens(rel: string | undefined): string[] {
  return rel ? rel.toLowerCase().split(/\s+/).filter(Boolean) : [];
}

/**
 * Whether a reference is a subresource: something the browser fetches to show the page (an image, a script, a
 * stylesheet, a media file), as opposed to another document (`a`, `area`, frames, `link rel=canonical`). Pure.
 */
export function isSubresource(element: string, rel: string | undefined): boolean {
  if (DOCUMENT_ELEMENTS.has(element)) return false;
  return element !== 'link' || relTokens(rel).some((token) => SUBRESOURCE_RELS.has(token));
}

/**
 * Whether a reference is mixed content: an `http:` subresource or frame on an `https:` page, which browsers block or
 * upgrade (W3C Mixed Content 3). Links to http pages are not mixed content. Pure.
 */
export function isMixedContent(pageUrl: string, element: string, rel: string | undefined, url: string): boolean {
  if (!/^https:/i.test(pageUrl) || !/^http:/i.test(url)) return false;
  return element === 'iframe' || element === 'frame' || isSubresource(element, rel);
}

function readerText(page: Page, element: Element): string {
  switch (element.tagName) {
    case 'a': {
      const text = page.text(element);
      if (text) return text;
      const [image] = findElements(element, 'img');
      return (page.attr(element, 'aria-label') ?? page.attr(element, 'title') ?? (image && page.attr(image, 'alt')) ?? '').trim();
    }
    case 'area':
    case 'img':
      return (page.attr(element, 'alt') ?? '').trim();
    case 'link':
      return (page.attr(element, 'rel') ?? '').trim();
    default:
      return (page.attr(element, 'title') ?? '').trim();
  }
}

function valuesOf(attribute: string, value: string): string[] {
  if (attribute === 'srcset') return parseSrcset(value).map((candidate) => candidate.url);
  return [value];
}

/**
 * Every reference on a page, in document order: `a`, `area`, `link` (but `dns-prefetch` and `preconnect`), `img`
 * and `source` (`src` and every `srcset` candidate), `script`, `iframe`, `frame`, `video` (`src`, `poster`), `audio`,
 * `track`, `embed` and `object`. Empty values, same-document `href=""`, and non-fetchable schemes (`mailto:`, `tel:`,
 * `javascript:`, `data:`, ...) are left out; values that are not URLs come back with `invalid: true`. Exact repeats
 * (same URL, element, attribute and text) are reported once. Pure.
 */
export function collectReferences(page: Page, pageNofollow: boolean): PageReference[] {
  const references: PageReference[] = [];
  const seen = new Set<string>();
  const pageUrl = page.finalUrl;
  for (const element of page.elements(...ELEMENTS)) {
    const tag = element.tagName;
    const rel = page.attr(element, 'rel');
    const tokens = relTokens(rel);
    if (tag === 'link' && tokens.some((token) => ORIGIN_ONLY_RELS.has(token))) continue;
    for (const attribute of URL_ATTRIBUTES[tag] ?? []) {
      const value = page.attr(element, attribute);
      if (value === undefined) continue;
      for (const raw of valuesOf(attribute, value)) {
        const trimmed = raw.trim();
        if (trimmed === '' || IGNORED_SCHEMES.test(trimmed)) continue;
        const resolved = page.resolve(trimmed);
        const isHttp = resolved !== null && /^https?:/i.test(resolved);
        if (resolved !== null && !isHttp) continue;
        const reference: PageReference = { url: resolved ?? trimmed, element: tag, attribute, text: readerText(page, element) };
        if (rel !== undefined) reference.rel = rel;
        if ((tag === 'a' || tag === 'area') && (pageNofollow || tokens.includes('nofollow'))) reference.nofollow = true;
        if (resolved === null) reference.invalid = true;
        else if (isMixedContent(pageUrl, tag, rel, resolved)) reference.mixed = true;
        const key = `${reference.url}\u0000${tag}\u0000${attribute}\u0000${reference.text}`;
        if (seen.has(key)) continue;
        seen.add(key);
        references.push(reference);
      }
    }
  }
  return references;
}
