import type { Extracted, Extractor } from '../extractors/extractor.js';
import type { Page } from '../extractors/page.js';
import { ExtractorError } from '../errors.js';

// The crawler reads each page's title and base URL after the extractors.
const READ_BY_CRAWLER = ['title', 'base'];
const streamTagsCache = new WeakMap<readonly Extractor<object>[], ReadonlySet<string> | null>();

/** Every tag the extractors read, when all of them declare it ({@link Extractor.elementsRead}); else `undefined`. */
function streamTagsOf(extractors: readonly Extractor<object>[]): ReadonlySet<string> | undefined {
  let tags = streamTagsCache.get(extractors);
  if (tags === undefined) {
    const declared = extractors.map((extractor) => extractor.elementsRead());
    tags = extractors.length > 0 && declared.every((list) => list !== undefined) ? new Set([...declared.flat(), ...READ_BY_CRAWLER]) : null;
    streamTagsCache.set(extractors, tags);
  }
  return tags ?? undefined;
}

/**
 * Runs extractors on a page in order and merges what they return; records without a `type` get the extractor's
 * name. The one implementation behind `Crawler.parse()` and the parse workers, so both give the same results.
 * @throws ExtractorError naming the extractor that threw.
 */
export async function runExtractors(extractors: readonly Extractor<object>[], page: Page): Promise<Required<Extracted>> {
  const streamTags = streamTagsOf(extractors);
  if (streamTags) page.useStreamedElements(streamTags);
  const merged: Required<Extracted> = { records: [], links: [], downloads: [] };
  for (const extractor of extractors) {
    let extracted: Extracted<object>;
    try {
      extracted = await extractor.extract(page);
    } catch (error) {
      throw new ExtractorError(extractor.name, `Extractor ${extractor.name} threw: ${(error as Error)?.message ?? String(error)}`, { cause: error });
    }
    for (const record of (extracted.records ?? []) as Record<string, unknown>[])
      merged.records.push('type' in record ? record : { type: extractor.name, ...record });
    if (extracted.links) for (const link of extracted.links) merged.links.push(link);
    if (extracted.downloads) for (const download of extracted.downloads) merged.downloads.push(download);
  }
  return merged;
}
