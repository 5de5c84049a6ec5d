const LOWER_CASE = 0x20;

/** The code unit at `index` with ASCII letters lower-cased (other values stay distinct from 'h', 't', 'p', 's'). */
function lowerAt(text: string, index: number): number {
  return text.charCodeAt(index) | LOWER_CASE;
}

/**
 * The part of a discovered URL the link rules judge: an absolute http(s) URL without its fragment, anything else as
 * is. The normalizer drops fragments, and in the WHATWG URL parser '#' ends every state before the fragment exactly as
 * the end of input does, so `X#frag` is judged as `X` (pages link many sections of one page). Except when `X` ends in
 * a C0 control or space: trailing, the parser strips it; before '#', it is part of the URL.
 */
export function linkKey(rawUrl: string): string {
  if (!isAbsoluteHttp(rawUrl)) return rawUrl;
  const hash = rawUrl.indexOf('#');
  return hash === -1 || rawUrl.charCodeAt(hash - 1) <= 0x20 ? rawUrl : rawUrl.slice(0, hash);
}

/** Whether a URL's verdict does not depend on the base URL (absolute http(s)), so it may be remembered. */
export function isAbsoluteHttp(url: string): boolean {
  // /^https?:\/\//i by hand: it runs for every link, and this is faster.
  if (lowerAt(url, 0) !== 0x68 || lowerAt(url, 1) !== 0x74 || lowerAt(url, 2) !== 0x74 || lowerAt(url, 3) !== 0x70) return false;
  const colon = lowerAt(url, 4) === 0x73 ? 5 : 4;
  return url.charCodeAt(colon) === 0x3a && url.charCodeAt(colon + 1) === 0x2f && url.charCodeAt(colon + 2) === 0x2f;
}
