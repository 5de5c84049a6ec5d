import type { AuditPageRecord } from '../extractors/audit.js';
import type { LinkTarget, LinkZone } from './link-scope.js';
import { expectedContent } from './outcome-rules.js';
import type { ExpectedContent } from './outcome-rules.js';
import type { MixedContentIssue, Referrer } from './report-types.js';
import type { SitemapEntry } from '../crawler/sitemap-loader.js';

/** Everything known about the references to one URL. */
export interface IndexedTarget {
  /** The normalized URL (fragment dropped). */
  url: string;
  zone: LinkZone;
  /** Every reference to it, in the order found. */
  referrers: Referrer[];
  /** The references that carry a fragment, by fragment. */
  fragments: Map<string, Referrer[]>;
  /** The references that expect a kind of content, by kind. */
  expectations: Map<ExpectedContent, Referrer[]>;
  /** A sitemap lists it (the first sitemap that does). */
  sitemap: string | undefined;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Aggregates the references of every audited page (and every sitemap entry) by target URL, so each URL is judged
 * once and listed with all its referrers. Also keeps references that are not URLs, and mixed content. Pure data.
 */
export class ReferenceIndex {
  /** Targets by normalized URL. */
  readonly targets = new Map<string, IndexedTarget>();
  /** References whose value is not a URL, by the value. */
  readonly invalid = new Map<string, Referrer[]>();
  /** Every http subresource of an https page. */
  readonly mixedContent: MixedContentIssue[] = [];
  /** References found on pages, every occurrence. */
  referenceCount = 0;
  readonly #classify: (url: string) => LinkTarget | null;

  /** `classify` normalizes and zones a URL the way the crawl does. */
  constructor(classify: (url: string) => LinkTarget | null) {
    this.#classify = classify;
  }

  /** Adds the references of one audited page. */
  addPage(record: AuditPageRecord): void {
    for (const reference of record.references) {
      this.referenceCount++;
      const referrer: Referrer = { page: record.url, text: reference.text, element: reference.element, attribute: reference.attribute };
      if (reference.invalid) {
        push(this.invalid, reference.url, referrer);
        continue;
      }
      if (reference.mixed) this.mixedContent.push({ page: record.url, url: reference.url, element: reference.element, attribute: reference.attribute });
      const target = this.#classify(reference.url);
      if (!target) continue;
      const indexed = this.#target(target);
      indexed.referrers.push(referrer);
      if (target.fragment !== '') push(indexed.fragments, target.fragment, referrer);
      const expected = expectedContent(reference.element, reference.rel, target.url);
      if (expected) push(indexed.expectations, expected, referrer);
    }
  }

  /** Adds a URL a sitemap lists, with the sitemap as its referrer. */
  addSitemapEntry(entry: SitemapEntry): void {
    const target = this.#classify(entry.url);
    if (!target) return;
    const indexed = this.#target(target);
    indexed.referrers.push({ page: entry.sitemap, text: '', element: 'sitemap', attribute: 'loc' });
    indexed.sitemap ??= entry.sitemap;
  }

  /** Makes sure a URL is judged even when nothing refers to it (a start URL). */
  addUrl(url: string): void {
    const target = this.#classify(url);
    if (target) this.#target(target);
  }

  #target(target: LinkTarget): IndexedTarget {
    let indexed = this.targets.get(target.url);
    if (!indexed) {
      indexed = { url: target.url, zone: target.zone, referrers: [], fragments: new Map(), expectations: new Map(), sitemap: undefined };
      this.targets.set(target.url, indexed);
    }
    return indexed;
  }
}
