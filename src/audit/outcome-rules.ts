// Rules that judge what a link answered. Pure: data in, data out.

/** The final status and error of a checked URL. */
export interface Answer {
  status: number | null;
  error: { code: string; message: string } | null;
}

/** One redirect on the way to a link's final URL. */
export interface Hop {
  /** The URL that answered the redirect. */
  url: string;
  status: number;
}

/** What a link's answer means for the audit. */
export type LinkVerdict = 'ok' | 'broken' | 'unverifiable' | 'unchecked';

/**
 * Answers of sites that block robots rather than of missing pages: 401 and 403 (a login or a bot wall), 429 (rate
 * limited even after retries), 999 (LinkedIn and others refusing crawlers).
 */
export const UNVERIFIABLE_STATUSES: ReadonlySet<number> = new Set([401, 403, 429, 999]);

/**
 * Judges an answer: `broken` for 4xx/5xx (after retries) and for failures to resolve, connect, complete TLS or
 * answer in time, redirect loops and the like; `unverifiable` for 401/403/429/999 (unless `strict`) and for URLs
 * robots.txt disallows; `unchecked` when the run stopped before the answer; else `ok`.
 */
export function linkVerdict(answer: Answer, strict: boolean): LinkVerdict {
  const code = answer.error?.code;
  if (code === 'aborted') return 'unchecked';
  if (code === 'robots-disallowed') return 'unverifiable';
  if (answer.status !== null && UNVERIFIABLE_STATUSES.has(answer.status) && !strict) return 'unverifiable';
  if (code !== undefined || (answer.status !== null && answer.status >= 400)) return 'broken';
  return 'ok';
}

/**
 * Whether a HEAD answer should be confirmed with GET: HEAD refused (405, 501), or any other error status but 429,
 * since many servers and CDNs answer HEAD wrongly (404, 403, 400) for pages that exist; and a connection reset, which
 * some servers answer HEAD with. Network failures that GET would meet too (DNS, connect, TLS, timeout) are final.
 */
export function shouldRetryWithGet(head: Answer): boolean {
  if (head.status !== null) return head.status >= 400 && head.status !== 429;
  return head.error?.code === 'reset' || head.error?.code === 'network';
}

/** Whether the server told us it does not do HEAD at all (so every URL of the host goes straight to GET). */
export function refusesHead(head: Answer): boolean {
  return head.status === 405 || head.status === 501;
}

/** Whether a redirect status is permanent (RFC 9110 15.4: 301 and 308), as opposed to temporary (302, 303, 307). */
export function isPermanentRedirect(status: number): boolean {
  return status === 301 || status === 308;
}

/** What a redirect chain shows. */
export interface RedirectShape {
  /** Every hop is permanent. */
  permanent: boolean;
  /** More than one hop. */
  chain: boolean;
  /** Some hop goes from https to http. */
  downgrade: boolean;
}

/** Describes a redirect chain: its hops in order, then the URL it ended at. */
export function redirectShape(hops: readonly Hop[], finalUrl: string): RedirectShape {
  const targets = [...hops.slice(1).map((hop) => hop.url), finalUrl];
  const downgrade = hops.some((hop, index) => /^https:/i.test(hop.url) && /^http:/i.test(targets[index] ?? ''));
  return { permanent: hops.every((hop) => isPermanentRedirect(hop.status)), chain: hops.length > 1, downgrade };
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
// Paths that name an HTML document: a directory or a page extension. Paths without an extension are left alone: as
// many are downloads (`/export`) as pages.
const PAGE_PATH = /(?:\/|\.(?:html?|xhtml|php\d?|aspx?|jspx?|cfm|shtml))$/i;

/** What a reference expects to get, judged from its element, `rel` and URL; `undefined` when anything goes. */
export type ExpectedContent = 'html' | 'image' | 'script' | 'stylesheet';

/**
 * What content a reference expects: an `a`/`area`/frame to a page-like path (a directory, `.html`, `.php`, ...)
 * expects HTML; `img` expects an image, `script` a script, `link rel=stylesheet` a stylesheet.
 */
export function expectedContent(element: string, rel: string | undefined, url: string): ExpectedContent | undefined {
  switch (element) {
    case 'a':
    case 'area':
    case 'iframe':
    case 'frame':
      return PAGE_PATH.test(new URL(url).pathname) ? 'html' : undefined;
    case 'img':
      return 'image';
    case 'script':
      return 'script';
    case 'link':
      return /(^|\s)stylesheet(\s|$)/i.test(rel ?? '') ? 'stylesheet' : undefined;
    default:
      return undefined;
  }
}

/**
 * Whether a 2xx answer of `contentType` contradicts what the reference expected: a page that is not HTML, or an
 * image, script or stylesheet answered with an HTML page (a "soft 404"). Unknown types pass.
 */
export function contradictsExpectation(expected: ExpectedContent, contentType: string | null): boolean {
  if (!contentType) return false;
  if (expected === 'html') return !HTML_TYPES.has(contentType);
  return HTML_TYPES.has(contentType);
}
