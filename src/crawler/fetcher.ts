import type { Dispatcher } from 'undici';
import { FetchError } from '../errors.js';
import type { FetchErrorCode } from '../errors.js';
import { DeadlineQueue } from './deadlines.js';
import { createDispatcher } from './dispatcher.js';
import { Exchange } from './exchange.js';
import type { ResponseHeaders } from './exchange.js';
import type { AddressFilter } from './public-address.js';
import type { HttpCacheLayer } from './http-cache.js';
import { monotonicMs } from './clock.js';

/** One HTTP exchange, without redirects followed. */
export interface HttpResponse {
  /** The URL requested. */
  url: string;
  status: number;
  /** Response headers, lower-case names, repeated headers joined with `, ` (Set-Cookie, whose values hold commas, with `\n`). */
  headers: Record<string, string>;
  /** Media type from Content-Type, lower-case, without parameters (`''` when absent). */
  contentType: string;
  /** The decoded body, when it was read. */
  body: Buffer | undefined;
  /** Body bytes read (after decompression), or the declared Content-Length when the body was not read. */
  bytes: number;
  /** The body was longer than `maxBytes` and was cut there. */
  truncated: boolean;
  /** Time from sending the request to the end of the body, in ms. */
  ms: number;
  /** With an HTTP cache: whether the answer came from it (fresh, or revalidated by a 304). */
  cached?: boolean;
}

/** Per-request choices. */
export interface RequestOptions {
  method?: 'GET' | 'HEAD';
  /** Aborts the request (the crawl's stop signal). */
  signal?: AbortSignal | undefined;
  /** Decides from status and media type whether the body is read; unread bodies are discarded unbuffered. */
  shouldReadBody?: ((status: number, contentType: string) => boolean) | undefined;
  /** Body size cap for this request. @default the fetcher's `maxBytes` */
  maxBytes?: number | undefined;
  /** Headers to add, by lower-case name (they may replace the defaults but User-Agent). */
  headers?: Readonly<Record<string, string>> | undefined;
}

/** What a Fetcher is built with. */
export interface FetcherOptions {
  userAgent: string;
  timeoutMs: number;
  maxBytes: number;
  /** Keep-alive connections per origin. */
  connectionsPerOrigin: number;
  /** When set, connections go only to addresses it accepts (checked after DNS); others fail as `blocked-address`. */
  isAddressAllowed?: AddressFilter | undefined;
  /** An http(s) proxy URL or `'env'` (see {@link createDispatcher}). */
  proxy?: string | undefined;
  /** The run's HTTP cache (`cache` option), composed over the dispatcher. */
  cache?: HttpCacheLayer | undefined;
}

const ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8';
const ACCEPT_ENCODING = 'gzip, deflate, br';
const NETWORK_CODES: Record<string, FetchErrorCode> = {
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  ECONNREFUSED: 'connect',
  EHOSTUNREACH: 'connect',
  ENETUNREACH: 'connect',
  EADDRNOTAVAIL: 'connect',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
};

/** Maps undici, socket, DNS and TLS failures to our closed set of codes, keeping the original as `cause`. */
export function toFetchError(error: unknown, timedOut: boolean): FetchError {
  if (error instanceof FetchError) return error;
  if (timedOut) return new FetchError('timeout', 'Request timed out', { cause: error });
  const code = findCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code && NETWORK_CODES[code]) return new FetchError(NETWORK_CODES[code], `${code}: ${message}`, { cause: error });
  if (code && /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL)/.test(code))
    return new FetchError('tls', `${code}: ${message}`, { cause: error });
  if (error instanceof Error && (error.name === 'AbortError' || code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR'))
    return new FetchError('aborted', 'Request aborted', { cause: error });
  return new FetchError('network', code ? `${code}: ${message}` : message, { cause: error });
}

function findCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR' ) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function flattenHeaders(raw: ResponseHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(name.toLowerCase() === 'set-cookie' ? '\n' : ', ') : value;
  }
  if (headers['location'] !== undefined) headers['location'] = decodeHeaderUtf8(headers['location']);
  return headers;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a header value undici decoded as Latin-1 (each raw byte one code point below 256) as UTF-8, the way browsers
 * and curl read a Location header carrying raw bytes, so `/ziel/ü` sent as UTF-8 is requested as `/ziel/%C3%BC`. A
 * value that is not valid UTF-8 keeps its Latin-1 reading. Pure.
 */
export function decodeHeaderUtf8(value: string): string {
  // Plain ASCII (nearly every header) reads the same both ways; a code point above 255 means it was never bytes.
  if (!/[\x80-\xff]/.test(value) || /[^\x00-\xff]/.test(value)) return value;
  try {
    return strictUtf8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

/** `text/HTML; charset=x` -> `text/html`. */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return '';
  return (contentType.split(';', 1)[0] ?? '').trim().toLowerCase();
}

/**
 * Makes single HTTP requests through one keep-alive undici Agent: total timeout, body size cap, gzip/deflate/br
 * decoding, and error mapping. It does not follow redirects or retry; the page loader does both, so every hop and
 * every retry goes through the limiter, the seen-set and robots.txt.
 */
export class Fetcher {
  /** The connection pool or proxy agent, behind the HTTP cache when there is one. */
  readonly #agent: Dispatcher;
  readonly #checkTarget: ((url: URL) => Promise<void>) | undefined;
  readonly #options: FetcherOptions;
  /** The whole-exchange timeout of every request in flight. */
  readonly #deadlines: DeadlineQueue;
  /** Requests in flight by the stop signal they were given. */
  readonly #watching = new WeakMap<AbortSignal, Set<Exchange>>();

  constructor(options: FetcherOptions) {
    this.#options = options;
    this.#deadlines = new DeadlineQueue(options.timeoutMs);
    const { dispatcher, checkTarget } = createDispatcher(options);
    this.#agent = options.cache ? dispatcher.compose(options.cache.interceptor) : dispatcher;
    this.#checkTarget = checkTarget;
  }

  /**
   * Sends one request. Resolves with the response (any status); rejects with a FetchError on network failure,
   * timeout (`timeoutMs` for the whole exchange) or abort.
   */
  async request(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const started = monotonicMs();
    const cache = this.#options.cache;
    let headers: Record<string, string> = {};
    let contentType = '';
    let fromCache = false;
    const exchange = new Exchange((status, raw) => {
      headers = flattenHeaders(raw);
      if (cache && headers[cache.marker] !== undefined) {
        fromCache = true;
        delete headers[cache.marker];
      }
      contentType = mediaType(headers['content-type']);
      const read = options.method !== 'HEAD' && (options.shouldReadBody?.(status, contentType) ?? true);
      return { read, limit: options.maxBytes ?? this.#options.maxBytes, encoding: headers['content-encoding'] };
    });
    let timedOut = false;
    const deadline = this.#deadlines.add(() => {
      timedOut = true;
      exchange.fail(new DOMException('The operation timed out', 'AbortError'));
    });
    const signal = options.signal;
    if (signal) this.#watch(signal, exchange);
    try {
      if (signal?.aborted) throw new DOMException('This operation was aborted', 'AbortError');
      const target = new URL(url);
      await this.#checkTarget?.(target);
      if (!exchange.settled)
        this.#agent.dispatch(
          {
            origin: target.origin,
            path: `${target.pathname}${target.search}`,
            method: options.method ?? 'GET',
            headers: { accept: ACCEPT, 'accept-encoding': ACCEPT_ENCODING, ...options.headers, ...cache?.headers, 'user-agent': this.#options.userAgent },
          },
          exchange,
        );
      const { status, body, truncated } = await exchange.result;
      const cached = cache ? { cached: fromCache } : {};
      if (body === undefined) {
        const declared = Number(headers['content-length']);
        return { url, status, headers, contentType, body, bytes: Number.isFinite(declared) ? declared : 0, truncated: false, ms: monotonicMs() - started, ...cached };
      }
      return { url, status, headers, contentType, body, bytes: body.byteLength, truncated, ms: monotonicMs() - started, ...cached };
    } catch (error) {
      throw toFetchError(error, timedOut);
    } finally {
      this.#deadlines.cancel(deadline);
      if (signal) this.#watching.get(signal)?.delete(exchange);
    }
  }

  /** Fails `exchange` when `signal` aborts; one listener per signal (every request of a crawl shares its stop signal). */
  #watch(signal: AbortSignal, exchange: Exchange): void {
    let exchanges = this.#watching.get(signal);
    if (!exchanges) {
      const watched = new Set<Exchange>();
      exchanges = watched;
      this.#watching.set(signal, watched);
      signal.addEventListener(
        'abort',
        () => {
          for (const running of watched) running.fail(new DOMException('This operation was aborted', 'AbortError'));
          watched.clear();
        },
        { once: true },
      );
    }
    exchanges.add(exchange);
  }

  /** Closes every pooled connection. */
  async close(): Promise<void> {
    await this.#agent.close();
  }

  /** Closes every connection at once, cancelling requests still running. */
  async destroy(): Promise<void> {
    await this.#agent.destroy();
  }
}
