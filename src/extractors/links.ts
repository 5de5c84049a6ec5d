import type { Element } from './dom.js';
import { Extractor } from './extractor.js';
import type { WorkerSpec, Extracted, FoundLink } from './extractor.js';
import type { Page } from './page.js';

// <link> elements whose targets are pages of the same document sequence (HTML 4.12.5.10-11).
const FOLLOWED_LINK_RELS = new Set(['next', 'prev', 'previous']);

function relTokens(rel: string | undefined): string[] {
  return rel ? rel.toLowerCase().split(/\s+/).filter(Boolean) : [];
}

/** Whether `<meta name="robots" content="... nofollow ...">` tells crawlers not to follow any link on the page. */
export function pageIsNofollow(page: Page): boolean {
  return page.elements('meta').some((meta) => {
    const name = page.attr(meta, 'name')?.toLowerCase();
    const content = page.attr(meta, 'content')?.toLowerCase() ?? '';
    return (name === 'robots' || name === 'sitecrawl') && /\b(nofollow|none)\b/.test(content);
  });
}

/**
 * Finds the links a crawler follows: `a[href]`, `area[href]`, and `link[href]` with rel next/prev, each with its text,
 * element, attribute and rel. Links marked `rel=nofollow`, or on a page whose robots meta says nofollow, come back with
 * `nofollow: true` (the crawler skips them unless told to follow them). Emits no records.
 */
export class LinkExtractor extends Extractor {
  readonly name = 'links';

  override workerSpec(): WorkerSpec {
    return { module: import.meta.url, exportName: 'LinkExtractor', args: [] };
  }

  override elementsRead(): readonly string[] {
    return ['a', 'area', 'link', 'meta', 'base'];
  }

  extract(page: Page): Extracted {
    const pageNofollow = pageIsNofollow(page);
    const links: FoundLink[] = [];
    for (const element of page.elements('a', 'area', 'link')) {
      const link = this.#linkOf(page, element, pageNofollow);
      if (link) links.push(link);
    }
    return { links };
  }

  #linkOf(page: Page, element: Element, pageNofollow: boolean): FoundLink | undefined {
    const href = page.attr(element, 'href');
    if (href === undefined) return undefined;
    const rel = page.attr(element, 'rel');
    const tokens = relTokens(rel);
    if (element.tagName === 'link' && !tokens.some((token) => FOLLOWED_LINK_RELS.has(token))) return undefined;
    const url = page.resolve(href);
    if (url === null) return undefined;
    const text = element.tagName === 'area' ? (page.attr(element, 'alt') ?? '') : element.tagName === 'a' ? page.text(element) : '';
    const link: FoundLink = { url, text, element: element.tagName, attribute: 'href', nofollow: pageNofollow || tokens.includes('nofollow') };
    if (rel !== undefined) link.rel = rel;
    return link;
  }
}
