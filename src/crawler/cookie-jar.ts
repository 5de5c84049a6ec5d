import { readFile } from 'node:fs/promises';
import type { CookieJar } from 'tough-cookie';
import { OptionsError } from '../errors.js';
import { parseCookiesTxt } from './cookies-txt.js';
import type { ResolvedCookies } from './request-options.js';

/**
 * A crawl's cookie jar: tough-cookie's RFC 6265 jar (domain and path matching, Secure, expiry, public suffixes), so a
 * cookie goes only to the hosts it belongs to. tough-cookie is loaded when the first cookie comes (a Set-Cookie
 * answer, or a cookies.txt), so a crawl of a site that sets none never loads it.
 */
export class CrawlCookies {
  #jar: CookieJar | undefined;
  #loading: Promise<CookieJar> | undefined;

  /**
   * Opens the jar a crawl's `cookies` option asks for (`undefined` when cookies are off), with the cookies.txt loaded.
   * @throws OptionsError (option `cookies`) when the file cannot be read or has a bad line.
   */
  static async open(cookies: ResolvedCookies): Promise<CrawlCookies | undefined> {
    if (cookies === false) return undefined;
    const crawlCookies = new CrawlCookies();
    if (cookies.file !== undefined) await crawlCookies.#import(cookies.file);
    return crawlCookies;
  }

  /** Whether any cookie was ever kept (until then no request needs a Cookie header). */
  get hasCookies(): boolean {
    return this.#jar !== undefined;
  }

  /** The Cookie header value for a request to `url` (`''` when no cookie belongs there). */
  headerFor(url: string): string {
    return this.#jar?.getCookieStringSync(url) ?? '';
  }

  /** Keeps the cookies of a response from `url` (each Set-Cookie header value); bad ones are skipped. */
  async store(url: string, setCookies: readonly string[]): Promise<void> {
    const jar = this.#jar ?? (await this.#load());
    for (const header of setCookies) jar.setCookieSync(header, url, { ignoreError: true });
  }

  #load(): Promise<CookieJar> {
    this.#loading ??= import('tough-cookie').then(({ CookieJar }) => {
      // Scrapy's and browsers' leniency: a malformed Set-Cookie is skipped, not fatal (looseMode reads `=value` too).
      this.#jar = new CookieJar(undefined, { looseMode: true });
      return this.#jar;
    });
    return this.#loading;
  }

  async #import(file: string): Promise<void> {
    const entries = parseCookiesTxt(await readCookiesFile(file), file);
    if (entries.length === 0) return;
    const jar = await this.#load();
    const { Cookie } = await import('tough-cookie');
    for (const entry of entries) {
      const cookie = new Cookie({
        key: entry.name,
        value: entry.value,
        domain: entry.domain,
        path: entry.path,
        secure: entry.secure,
        httpOnly: entry.httpOnly,
        hostOnly: !entry.includeSubdomains,
        expires: entry.expires === 0 ? 'Infinity' : new Date(entry.expires * 1000),
      });
      // Set as if from the cookie's own host over https, so Secure and HttpOnly cookies are taken as written.
      const stored = jar.setCookieSync(cookie, `https://${entry.domain}${entry.path}`, { ignoreError: true });
      if (!stored && entry.expires !== 0 && entry.expires * 1000 > Date.now())
        throw new OptionsError('cookies', `${file}: the cookie ${entry.name} for ${entry.domain} could not be set (a public suffix?)`);
    }
  }
}

async function readCookiesFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new OptionsError('cookies', `Cannot read the cookies file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
