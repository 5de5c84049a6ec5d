const ABSOLUTE_HTTP = /^https?:\/\//i;

/**
 * The part of a discovered URL the link rules judge: an absolute http(s) URL without its fragment, anything else as
 * is. The normalizer drops fragments, and in the WHATWG URL parser '#' ends every state before the fragment exactly as
 * the end of input does, so `X#frag` is judged as `X` (pages link many sections of one page). Except when `X` ends in
 * a C0 control or space: trailing, the parser strips it; before '#', it is part of the URL.
 */
export function linkKey(rawUrl: string): string {
  if (!ABSOLUTE_HTTP.test(rawUrl)) return rawUrl;
  const hash = rawUrl.indexOf('#');
  return hash === -1 || rawUrl.charCodeAt(hash - 1) <= 0x20 ? rawUrl : rawUrl.slice(0, hash);
}

/** Whether a URL's verdict does not depend on the base URL (absolute http(s)), so it may be remembered. */
export function isAbsoluteHttp(rawUrl: string): boolean {
  return ABSOLUTE_HTTP.test(rawUrl);
}
