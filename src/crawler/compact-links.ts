import type { FoundLink } from '../extractors/extractor.js';
import { isAbsoluteHttp, linkKey } from './link-key.js';
import type { CompactLinks } from './parse-job.js';

// Keys known to parse, across pages (site-wide navigation repeats): parsing costs more than the rest of the folding.
const MAX_VALID_KEYS = 10_000;
const validKeys = new Set<string>();

/** Whether the absolute http(s) URL `key` is valid, so admission judges it once per page rather than at each occurrence. */
function isFoldable(key: string): boolean {
  if (validKeys.has(key)) return true;
  if (!URL.canParse(key)) return false;
  if (validKeys.size >= MAX_VALID_KEYS) validKeys.clear();
  validKeys.add(key);
  return true;
}

/**
 * The links admission would act on, in page order. Each link is sent at the first occurrence of its key
 * ({@link linkKey}: the URL without its fragment), as found. A later occurrence of a valid absolute http(s) URL is
 * dropped, except its first plain occurrence after nofollow ones (a plain link to a URL linked earlier with
 * rel=nofollow is followed): admission ignores every other repeat of a URL it judged, so it gives the same result for
 * less to send. Links admission counts at every occurrence (invalid, other schemes) are all sent. Whether a URL parses
 * is asked only when its key repeats: on a site whose pages link mostly to distinct URLs, parsing each one here as
 * well as in admission cost more than the folding saved.
 */
export function compactLinksOf(links: readonly FoundLink[]): CompactLinks {
  const urls: string[] = [];
  const nofollow: number[] = [];
  // Key -> whether every occurrence so far was nofollow; 'each' for links sent at every occurrence.
  const sent = new Map<string, boolean | 'each'>();
  const send = (link: FoundLink) => {
    if (link.nofollow) nofollow.push(urls.length);
    urls.push(link.url);
  };
  for (const link of links) {
    const key = linkKey(link.url);
    let state = sent.get(key);
    if (state === undefined) {
      send(link);
      sent.set(key, isAbsoluteHttp(key) ? link.nofollow === true : 'each');
      continue;
    }
    if (state !== 'each' && !isFoldable(key)) sent.set(key, (state = 'each'));
    if (state === 'each') send(link);
    else if (state === true && !link.nofollow) {
      send(link);
      sent.set(key, false);
    }
  }
  return { urls, nofollow };
}

/**
 * The links of a compact reply, for admission, which reads only their URL and nofollow mark: the other fields hold
 * placeholders (a worker sends details only when a `shouldEnqueue` override may read them).
 */
export function linksOf({ urls, nofollow }: CompactLinks): FoundLink[] {
  const links = urls.map((url): FoundLink => ({ url, text: '', element: 'a', attribute: 'href', nofollow: false }));
  for (const index of nofollow) (links[index] as FoundLink).nofollow = true;
  return links;
}
