import type { Awaitable } from '../extractors/extractor.js';
import { FetchError } from '../errors.js';
import type { CrawlCookies } from './cookie-jar.js';
import type { Scope } from './options.js';
import { CREDENTIAL_HEADERS, requestOptions } from './request-options.js';
import type { Auth } from './request-options.js';
import { createScope } from './scope.js';
import type { ScopeCheck } from './scope.js';

/** What a request is for. */
export type RequestPurpose = 'page' | 'robots' | 'download';

/** One HTTP request about to be sent, as the `beforeRequest` hook sees it. */
export interface OutgoingRequest {
  /** The URL requested (a redirect hop's target, for hops). */
  readonly url: string;
  readonly method: 'GET' | 'HEAD';
  /** `page` (a crawled URL), `robots` (a robots.txt), `download` (a saver's fetch: an image, a link check). */
  readonly purpose: RequestPurpose;
  /** 1 for the first try of this URL, 2 for the first retry, ... */
  readonly attempt: number;
  /** Redirect hops answered before this request in its load: 0 for the URL asked for. */
  readonly redirects: number;
  /**
   * The headers the crawl adds to this request (configured headers, credentials and cookies that belong to its URL),
   * by lower-case name; besides them every request carries User-Agent, Accept and Accept-Encoding.
   */
  readonly headers: Readonly<Record<string, string>>;
}

/** The `beforeRequest` hook: headers to add to (or replace on) one request. */
export type BeforeRequest = (request: OutgoingRequest) => Awaitable<Readonly<Record<string, string>> | undefined | void>;

/** What {@link RequestHeaders} is built with. */
export interface RequestHeadersOptions {
  startUrls: readonly string[];
  scope: Scope;
  headers: Readonly<Record<string, string>>;
  auth: Readonly<Auth> | undefined;
  cookies: CrawlCookies | undefined;
  beforeRequest?: BeforeRequest | undefined;
}

/**
 * The origins credentials for a start URL go to: its own, and for `http://host` on the default port also
 * `https://host` (the upgrade nearly every site redirects to; TLS protects them better there). Never the other way.
 */
function credentialOrigins(start: URL): string[] {
  return start.protocol === 'http:' && start.port === '' ? [start.origin, `https://${start.host}`] : [start.origin];
}

/** Credentials as the Authorization header they are sent in. */
export function authorizationHeader(auth: Readonly<Auth>): string {
  // RFC 7617 2.1: user-id and password in UTF-8, joined by a colon, base64.
  return 'bearer' in auth ? `Bearer ${auth.bearer}` : `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
}

// Headers follow the site, not one of its paths or the whole web: `prefix` widens to the origin, `any` narrows to the
// start URLs' hosts.
const HEADER_SCOPE: Readonly<Record<Scope, Scope>> = { host: 'host', origin: 'origin', domain: 'domain', prefix: 'origin', any: 'host' };

/**
 * Decides the headers each request gets beyond the defaults, and keeps the cookies each answer sets:
 * - configured `headers` go to URLs within the crawl's scope (`prefix` counts as its origin, `any` as the start hosts);
 * - credentials (`auth`, and `Authorization` or `Cookie` in `headers`) go only to the start URLs' origins (and from an
 *   `http://` start on the default port to its `https://` upgrade), so neither a link nor a redirect to another origin
 *   (another host, port or scheme) carries them;
 * - cookies come from the jar, which sends each only to the hosts and paths it belongs to;
 * - then the `beforeRequest` hook may add or replace headers for this one request.
 * Called for every request sent (every retry and redirect hop), so a redirect target is judged on its own URL.
 */
export class RequestHeaders {
  readonly #options: RequestHeadersOptions;
  readonly #inScope: ScopeCheck;
  readonly #credentialOrigins: ReadonlySet<string>;
  readonly #plain: Readonly<Record<string, string>>;
  readonly #credentials: Readonly<Record<string, string>>;
  /** Whether any configured header or credential exists (else only cookies and the hook add anything). */
  readonly #hasOwnHeaders: boolean;

  constructor(options: RequestHeadersOptions) {
    this.#options = options;
    this.#inScope = createScope(options.startUrls, HEADER_SCOPE[options.scope]);
    this.#credentialOrigins = new Set(options.startUrls.flatMap((url) => credentialOrigins(new URL(url))));
    const plain: Record<string, string> = {};
    const credentials: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers)) (CREDENTIAL_HEADERS.has(name) ? credentials : plain)[name] = value;
    if (options.auth) credentials['authorization'] = authorizationHeader(options.auth);
    this.#plain = plain;
    this.#credentials = credentials;
    this.#hasOwnHeaders = Object.keys(plain).length > 0 || Object.keys(credentials).length > 0;
  }

  /** Whether this policy adds nothing to any request and keeps no cookies (so the loader can skip it). */
  get isEmpty(): boolean {
    const options = this.#options;
    return !options.cookies && !options.beforeRequest && Object.keys(this.#plain).length === 0 && Object.keys(this.#credentials).length === 0;
  }

  /**
   * The headers to add to one request, by lower-case name: at once when there is no `beforeRequest` hook, else a
   * promise of them.
   * @throws FetchError `before-request-failed` when the hook throws or returns a bad header (nothing is sent).
   */
  headersFor(request: Omit<OutgoingRequest, 'headers'>): Record<string, string> | Promise<Record<string, string>> {
    const headers = this.#ownHeaders(request.url);
    const hook = this.#options.beforeRequest;
    return hook ? this.#withHook(hook, request, headers) : headers;
  }

  // Configured headers, credentials and cookies; a crawl that has none (nor any cookie yet) skips parsing the URL.
  #ownHeaders(href: string): Record<string, string> {
    const cookies = this.#options.cookies;
    if (!this.#hasOwnHeaders && !cookies?.hasCookies) return {};
    const url = new URL(href);
    const headers: Record<string, string> = this.#inScope(url) ? { ...this.#plain } : {};
    const trusted = this.#credentialOrigins.has(url.origin);
    if (trusted) Object.assign(headers, this.#credentials);
    const jarCookies = cookies?.headerFor(url.href) ?? '';
    if (jarCookies) headers['cookie'] = headers['cookie'] ? `${headers['cookie']}; ${jarCookies}` : jarCookies;
    return headers;
  }

  async #withHook(hook: BeforeRequest, request: Omit<OutgoingRequest, 'headers'>, headers: Record<string, string>): Promise<Record<string, string>> {
    let added: Readonly<Record<string, string>> | undefined | void;
    try {
      added = await hook({ ...request, headers: Object.freeze({ ...headers }) });
      if (added === undefined || added === null) return headers;
      return { ...headers, ...requestOptions({ headers: added }).headers };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new FetchError('before-request-failed', `beforeRequest failed for ${request.url}: ${reason}`, { cause: error });
    }
  }

  /**
   * Keeps the cookies an answer from `url` set (`set-cookie` as the fetcher gives it: one value a line). Returns
   * nothing when the answer set none, so the caller need not wait.
   */
  received(url: string, responseHeaders: Readonly<Record<string, string>>): Promise<void> | undefined {
    const setCookie = responseHeaders['set-cookie'];
    if (setCookie !== undefined && this.#options.cookies) return this.#options.cookies.store(url, setCookie.split('\n'));
    return undefined;
  }
}
