import { collectAnchors } from './anchors.js';
import { Extractor } from './extractor.js';
import type { DownloadRequest, Extracted, FoundLink, WorkerSpec } from './extractor.js';
import { pageIsNofollow } from './links.js';
import type { Page } from './page.js';
import { collectReferences, isSubresource } from './references.js';
import type { PageReference } from './references.js';

/** The download kind {@link AuditExtractor} asks link checkers to check. */
export const LINK_CHECK_KIND = 'link-check';

/** Plain-data options of {@link AuditExtractor} (they cross to worker threads as they are). */
export interface AuditExtractorOptions {
  /** Report each page's ids and named anchors, for fragment checks. @default false */
  anchors?: boolean;
}

/** What {@link AuditExtractor} records for each HTML page (`type: 'audit'`). */
export interface AuditPageRecord {
  /** The page's final URL. */
  url: string;
  /** Every reference on the page, in document order. */
  references: PageReference[];
  /** Ids and `a[name]` anchors, or `null` when not collected. */
  anchors: string[] | null;
  /** The page asks not to be indexed (`<meta name=robots content=noindex>` or an `X-Robots-Tag: noindex` header). */
  noindex: boolean;
}

/** `data` of the downloads {@link AuditExtractor} returns. */
export interface LinkCheckData {
  /** Every reference to the URL on the page is a subresource (image, script, stylesheet, media), none a document. */
  subresource: boolean;
  [key: string]: unknown;
}

function isNoindex(page: Page): boolean {
  const meta = page.elements('meta').some((element) => {
    const name = page.attr(element, 'name')?.toLowerCase();
    return (name === 'robots' || name === 'sitecrawl') && /\b(noindex|none)\b/i.test(page.attr(element, 'content') ?? '');
  });
  return meta || /\b(noindex|none)\b/i.test(page.headers['x-robots-tag'] ?? '');
}

function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

/**
 * Reports every reference on a page for a link audit (see `collectReferences`): links, images and `srcset`
 * candidates, scripts, stylesheets and other `<link>`s, frames, media sources, each with element, attribute and text;
 * the page's ids and named anchors (with `anchors: true`); and mixed content. Returns:
 * - `records`: one {@link AuditPageRecord} per page;
 * - `links`: the `a` and `area` links, for the crawl to follow (nofollow marked as `LinkExtractor` does);
 * - `downloads`: each distinct URL once per page (fragment dropped), kind {@link LINK_CHECK_KIND}, for a link checker.
 *
 * Pure, and rebuilt on worker threads from {@link AuditExtractor.workerSpec}.
 */
export class AuditExtractor extends Extractor<AuditPageRecord> {
  readonly name = 'audit';

  constructor(readonly options: AuditExtractorOptions = {}) {
    super();
  }

  extract(page: Page): Extracted<AuditPageRecord> {
    const nofollow = pageIsNofollow(page);
    const references = collectReferences(page, nofollow);
    const links: FoundLink[] = [];
    const subresources = new Map<string, boolean>();
    for (const reference of references) {
      if (reference.invalid) continue;
      if (reference.element === 'a' || reference.element === 'area') {
        const link: FoundLink = { url: reference.url, text: reference.text, element: reference.element, attribute: reference.attribute, nofollow: reference.nofollow ?? false };
        if (reference.rel !== undefined) link.rel = reference.rel;
        links.push(link);
      }
      const url = withoutFragment(reference.url);
      const subresource = isSubresource(reference.element, reference.rel);
      subresources.set(url, (subresources.get(url) ?? true) && subresource);
    }
    const downloads: DownloadRequest[] = [...subresources].map(([url, subresource]) => ({ url, kind: LINK_CHECK_KIND, data: { subresource } satisfies LinkCheckData }));
    const record: AuditPageRecord = {
      url: page.finalUrl,
      references,
      anchors: this.options.anchors ? collectAnchors(page.document) : null,
      noindex: isNoindex(page),
    };
    return { records: [record], links, downloads };
  }

  override workerSpec(): WorkerSpec {
    return { module: import.meta.url, exportName: 'AuditExtractor', args: [this.options] };
  }
}
