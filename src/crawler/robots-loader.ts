import { FetchError } from '../errors.js';
import type { PageLoader } from './page-loader.js';
import { ROBOTS_MAX_BYTES, wholeLines } from './robots.js';
import type { RobotsResponse } from './robots.js';

const ROBOTS_MAX_REDIRECTS = 5; // RFC 9309 2.3.1.2
const followAnyRedirect = async (): Promise<undefined> => undefined;
// RFC 9309 2.3.1.2: a robots.txt that redirects too often (or in a loop, or nowhere usable) is unavailable.
const UNAVAILABLE_CODES = new Set(['too-many-redirects', 'redirect-loop', 'bad-redirect']);

/**
 * Loads one robots.txt through the page loader, so it gets the pages' limiter, retries and timeout: one failed try
 * would otherwise mark a whole site unreachable for the run (Scrapy retries it the same way). Redirects may cross
 * hosts, up to 5 hops; at most {@link ROBOTS_MAX_BYTES} are read, cut back to whole lines. Never rejects.
 */
export async function loadRobotsTxt(loader: PageLoader, robotsUrl: string): Promise<RobotsResponse> {
  const loaded = await loader.load(robotsUrl, {
    shouldReadBody: (status) => status >= 200 && status < 300,
    maxBytes: ROBOTS_MAX_BYTES,
    maxRedirects: ROBOTS_MAX_REDIRECTS,
    acceptRedirect: followAnyRedirect,
    purpose: 'robots',
  });
  const response = loaded.response;
  if (loaded.error && UNAVAILABLE_CODES.has(loaded.error.code)) return { status: 404, body: '' };
  if (loaded.error || !response) return { error: loaded.error ?? new FetchError('network', `No answer for ${robotsUrl}`) };
  return { status: response.status, body: response.body ? wholeLines(response.body, response.truncated) : '' };
}
