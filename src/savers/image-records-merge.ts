import type { ImageRecord, RejectedImageRecord, SavedImageRecord } from './image-manifest.js';

/**
 * Merges image records from several workers of one shared crawl (each record may come more than once: journaled as
 * it happened, and consolidated at the worker's end) into what one `images.jsonl` holds: one record per content
 * (SHA-256) with every URL and page that led to it, then one per rejected URL that no worker saved. Pure.
 */
export function mergeImageRecords(records: Iterable<ImageRecord>, sightings: Iterable<{ url: string; pages: readonly string[] }> = []): ImageRecord[] {
  const contents = new Map<string, { record: SavedImageRecord; urls: Set<string>; pages: Set<string> }>();
  const rejected = new Map<string, { record: RejectedImageRecord; pages: Set<string> }>();
  for (const record of records) {
    if (record.error === null) {
      const content = contents.get(record.sha256);
      const urls = record.urls ?? [record.url];
      const pages = record.pages ?? [record.page];
      if (content) {
        for (const url of urls) content.urls.add(url);
        for (const page of pages) content.pages.add(page);
      } else contents.set(record.sha256, { record, urls: new Set(urls), pages: new Set(pages) });
    } else {
      const entry = rejected.get(record.url);
      if (entry) for (const page of record.pages ?? [record.page]) entry.pages.add(page);
      else rejected.set(record.url, { record, pages: new Set(record.pages ?? [record.page]) });
    }
  }
  const savedUrls = new Set([...contents.values()].flatMap(({ urls }) => [...urls]));
  // Pages a worker saw pointing to an image URL another worker downloaded.
  const pagesOfUrl = new Map<string, string[]>();
  for (const { url, pages } of sightings) pagesOfUrl.set(url, [...(pagesOfUrl.get(url) ?? []), ...pages]);
  for (const content of contents.values()) for (const url of content.urls) for (const page of pagesOfUrl.get(url) ?? []) content.pages.add(page);
  for (const [url, entry] of rejected) for (const page of pagesOfUrl.get(url) ?? []) entry.pages.add(page);
  const saved = [...contents.values()].map(({ record, urls, pages }): SavedImageRecord => {
    const { urls: _urls, pages: _pages, error, ...rest } = record;
    return { ...rest, ...(urls.size > 1 ? { urls: [...urls] } : {}), ...(pages.size > 1 ? { pages: [...pages] } : {}), error };
  });
  const failed = [...rejected.values()]
    .filter(({ record }) => !savedUrls.has(record.url))
    .map(({ record, pages }): RejectedImageRecord => {
      const { pages: _pages, error, ...rest } = record;
      return { ...rest, ...(pages.size > 1 ? { pages: [...pages] } : {}), error };
    });
  return [...saved, ...failed];
}
