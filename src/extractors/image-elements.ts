import { collapseWhiteSpace } from './dom.js';
import type { Element } from './dom.js';
import type { FoundImage } from './images.js';
import type { Page } from './page.js';
import { parseSrcset, pickLargest } from './srcset.js';
import type { RankedCandidate } from './srcset.js';

// Rules that read one element (or one <picture>) of a page and say which image it shows. Pure: a page in, data out.

const LAZY_SOURCES = ['data-src', 'data-original', 'data-lazy-src'];
const LAZY_SRCSETS = ['data-srcset', 'data-lazy-srcset'];
const META_IMAGES = new Set(['og:image', 'og:image:url', 'og:image:secure_url', 'twitter:image', 'twitter:image:src']);
const ICON_RELS = new Set(['icon', 'apple-touch-icon', 'apple-touch-icon-precomposed', 'mask-icon']);
const IMAGE_PATH = /\.(?:jpe?g|png|gif|webp|avif|svg|ico|bmp)$/i;

interface Candidate extends RankedCandidate {
  attribute: string;
}

/** Whether a URL's path ends in an image file extension (`.jpg`, `.png`, `.webp`, ...). Pure. */
export function looksLikeImageUrl(url: string): boolean {
  try {
    return IMAGE_PATH.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

/** Resolves a reference against the page (fragment dropped; `data:` URIs kept whole), or `null`. */
export function resolveImageUrl(page: Page, href: string): string | null {
  const trimmed = href.trim();
  if (trimmed === '') return null;
  if (/^data:/i.test(trimmed)) return trimmed;
  const resolved = page.resolve(trimmed);
  if (resolved === null) return null;
  const url = new URL(resolved);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  return url.href;
}

function wholeNumber(value: string | undefined): number | undefined {
  return value !== undefined && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined;
}

function describe(page: Page, element: Element | undefined, image: Omit<FoundImage, 'alt'>): FoundImage {
  const found: FoundImage = { ...image, alt: element ? collapseWhiteSpace(page.attr(element, 'alt') ?? page.attr(element, 'title') ?? '') : '' };
  const width = element && wholeNumber(page.attr(element, 'width'));
  const height = element && wholeNumber(page.attr(element, 'height'));
  if (width !== undefined) found.declaredWidth = width;
  if (height !== undefined) found.declaredHeight = height;
  return found;
}

function candidatesOf(element: Element, page: Page): Candidate[] {
  const candidates: Candidate[] = [];
  const fromSrcset = (attribute: string, isLazy: boolean) => {
    const value = page.attr(element, attribute);
    if (value !== undefined) for (const candidate of parseSrcset(value)) candidates.push({ ...candidate, attribute, isLazy });
  };
  fromSrcset('srcset', false);
  for (const attribute of LAZY_SRCSETS) fromSrcset(attribute, true);
  if (element.tagName === 'img') {
    for (const attribute of LAZY_SOURCES) {
      const value = page.attr(element, attribute);
      if (value?.trim()) candidates.push({ url: value, attribute, isLazy: true });
    }
    const src = page.attr(element, 'src');
    if (src?.trim()) candidates.push({ url: src, attribute: 'src' });
  }
  return candidates;
}

/**
 * The image of an `<img>`, or of a `<picture>` (its `<source>`s and its `<img>`): the largest candidate of every
 * `src`, `srcset` and lazy-loading attribute, the other candidates as alternates (`data:` placeholders left out).
 */
export function pictureImage(page: Page, img: Element | undefined, sources: readonly Element[]): FoundImage | undefined {
  const candidates: Candidate[] = [];
  for (const element of [...sources, ...(img ? [img] : [])]) {
    for (const candidate of candidatesOf(element, page)) {
      const url = resolveImageUrl(page, candidate.url);
      if (url !== null) candidates.push({ ...candidate, url });
    }
  }
  const best = candidates[pickLargest(candidates)];
  if (!best) return undefined;
  const alternates = [...new Set(candidates.map((candidate) => candidate.url))].filter((url) => url !== best.url && !url.startsWith('data:'));
  const image = describe(page, img, { url: best.url, element: sources.length > 0 ? 'picture' : 'img', attribute: best.attribute });
  if (alternates.length > 0) image.alternates = alternates;
  return image;
}

/** `<meta property="og:image" content>` and `<meta name="twitter:image" content>` (either attribute names the key). */
export function metaImage(page: Page, meta: Element): FoundImage | undefined {
  const key = (page.attr(meta, 'property') ?? page.attr(meta, 'name'))?.trim().toLowerCase();
  if (key === undefined || !META_IMAGES.has(key)) return undefined;
  const url = resolveImageUrl(page, page.attr(meta, 'content') ?? '');
  return url === null ? undefined : { url, element: 'meta', attribute: 'content', alt: '' };
}

/** `<link rel~=icon>`, `apple-touch-icon` and `mask-icon`, marked `isIcon`. */
export function iconImage(page: Page, link: Element): FoundImage | undefined {
  const rels = (page.attr(link, 'rel') ?? '').toLowerCase().split(/\s+/);
  if (!rels.some((rel) => ICON_RELS.has(rel))) return undefined;
  const url = resolveImageUrl(page, page.attr(link, 'href') ?? '');
  return url === null ? undefined : { url, element: 'link', attribute: 'href', alt: '', isIcon: true };
}

/** An image named by one attribute: `input[type=image] src`, `video poster`, a `style` background URL. */
export function attributeImage(page: Page, element: Element, attribute: string, value = page.attr(element, attribute)): FoundImage | undefined {
  const url = resolveImageUrl(page, value ?? '');
  return url === null ? undefined : describe(page, element, { url, element: element.tagName, attribute });
}

/** `<a href>` to an image file (the full size behind a thumbnail); its alt is the link text or the thumbnail's alt. */
export function linkedImage(page: Page, anchor: Element): FoundImage | undefined {
  const url = resolveImageUrl(page, page.attr(anchor, 'href') ?? '');
  if (url === null || url.startsWith('data:') || !looksLikeImageUrl(url)) return undefined;
  const thumbnail = anchor.childNodes.find((child): child is Element => 'tagName' in child && child.tagName === 'img');
  const alt = page.text(anchor) || (thumbnail ? (page.attr(thumbnail, 'alt') ?? '').trim() : '');
  return { url, element: 'a', attribute: 'href', alt };
}
