import type { FoundLink } from '../extractors/extractor.js';
import { isAbsoluteHttp, linkKey } from './link-key.js';
import type { CompactLinks } from './parse-job.js';

// Keys known to parse, across pages (site-wide navigation repeats): parsing costs more than the rest of the folding.
const MAX_VALID_KEYS = 10_000;
const validKeys = new Set<string>();

function isFoldable(key: string): boolean {
  if (validKeys.has(key)) return true;
  if (!isAbsoluteHttp(key) || !URL.canParse(key)) return false;
  if (validKeys.size >= MAX_VALID_KEYS) validKeys.clear();
  validKeys.add(key);
  return true;
}

/**
 * The links admission would act on, in page order. A valid absolute http(s) URL is sent as its key ({@link linkKey}:
 * fragment dropped), at its key's first occurrence, and again at its first plain occurrence when the first was nofollow
 * (a plain link to a URL linked earlier with rel=nofollow is followed); admission ignores every other repeat of a URL
 * it judged, so it gives the same result for less to send. Other links (counted at every occurrence) are all sent.
 */
export function compactLinksOf(links: readonly FoundLink[]): CompactLinks {
  const urls: string[] = [];
  const nofollow: number[] = [];
  // Key -> whether every occurrence so far was nofollow; 'each' for links sent at every occurrence.
  const sent = new Map<string, boolean | 'each'>();
  for (const link of links) {
    const key = linkKey(link.url);
    let state = sent.get(key);
    if (state === undefined && !isFoldable(key)) sent.set(key, (state = 'each'));
    if (state === 'each') {
      if (link.nofollow) nofollow.push(urls.length);
      urls.push(link.url);
      continue;
    }
    if (state === false || (state === true && link.nofollow)) continue;
    if (link.nofollow) nofollow.push(urls.length);
    sent.set(key, link.nofollow === true);
    urls.push(key);
  }
  return { urls, nofollow };
}

/**
 * The links of a compact reply, for admission, which reads only their URL and nofollow mark: the other fields hold
 * placeholders (a worker sends details only when a `shouldEnqueue` override may read them), and a URL the rules judge
 * comes without its fragment.
 */
export function linksOf({ urls, nofollow }: CompactLinks): FoundLink[] {
  const links = urls.map((url): FoundLink => ({ url, text: '', element: 'a', attribute: 'href', nofollow: false }));
  for (const index of nofollow) (links[index] as FoundLink).nofollow = true;
  return links;
}
