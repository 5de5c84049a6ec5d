import type { PartLogger } from './part-logger.js';
import { FetchError } from '../errors.js';
import type { Fetcher, HttpResponse } from './fetcher.js';
import { abortableDelay } from './limiter.js';
import type { Limiter } from './limiter.js';
import type { SkipReason } from './page-record.js';
import type { RequestHeaders, RequestPurpose } from './request-headers.js';
import { isRetryableError, isRetryableStatus, parseRetryAfter, retryDelayMs } from './retry.js';
import { monotonicMs } from './clock.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** One redirect answered on the way to the final URL. */
export interface RedirectHop {
  url: string;
  status: number;
  location: string;
}

/** The outcome of loading one URL, redirects and retries included. */
export interface Loaded {
  /** The last URL requested, or the redirect target that was not followed. */
  finalUrl: string;
  /** The last response, when one came. */
  response: HttpResponse | undefined;
  /** Redirects answered, in order. */
  redirects: RedirectHop[];
  /** Why the last redirect was not followed (already seen, out of scope, robots). */
  redirectSkipped: SkipReason | undefined;
  /** Set when the page failed: network error after retries, redirect loop, too many redirects. */
  error: FetchError | undefined;
  /**
   * Wall time from the first request sent to the outcome, in ms: every redirect hop and retry, and the pauses and
   * queue waits between them, included; the wait for the first request's slot is not. 0 when no request was sent.
   */
  ms: number;
  /** Requests sent (or tried) for this load: one per try of each redirect hop. 0 when none was sent. */
  attempts: number;
}

/** When a load's first request was sent and how many it has sent, shared by its hops. */
interface Tally {
  startedAt: number | undefined;
  attempts: number;
}

/** Per-load choices; the loader's own settings apply where one is not given. */
export interface LoadOptions {
  method?: 'GET' | 'HEAD';
  maxBytes?: number;
  shouldReadBody?: (status: number, contentType: string) => boolean;
  acceptRedirect?: (url: string, from: string) => Promise<SkipReason | undefined>;
  /** Redirect hops to follow before `too-many-redirects`. */
  maxRedirects?: number;
  /** What the load is for, as the `beforeRequest` hook is told. @default 'page' */
  purpose?: RequestPurpose;
}

/** What the loader needs from the run. */
export interface PageLoaderOptions {
  fetcher: Fetcher;
  limiter: Limiter;
  logger: PartLogger;
  retries: number;
  retryDelayMs: number;
  maxRetryAfterMs: number;
  maxRedirects: number;
  /** Normalizes a redirect target; `null` when it is not an http(s) URL. */
  normalize: (url: string) => string | null;
  /** Decides whether to follow a redirect to a normalized URL (scope, robots, seen-set); `undefined` to follow. */
  acceptRedirect: (url: string, from: string) => Promise<SkipReason | undefined>;
  /** Which bodies to read. */
  shouldReadBody: (status: number, contentType: string) => boolean;
  /** Stops waiting in queues and between retries. */
  stopSignal: AbortSignal;
  /** Cuts requests in flight (fired a grace period after the stop signal). */
  abortSignal: AbortSignal;
  random?: () => number;
  /** Adds headers, credentials and cookies to each request (retries and hops included) and keeps answers' cookies. */
  requestHeaders?: RequestHeaders | undefined;
}

/**
 * Loads a URL the way a polite crawler must: every hop and every retry is a separate request through the limiter (so
 * per-host limits and delays hold across redirects), redirect targets go through scope, robots.txt and the seen-set
 * before they are followed, and retries back off with jitter or wait what Retry-After asks.
 */
export class PageLoader {
  readonly #options: PageLoaderOptions;

  constructor(options: PageLoaderOptions) {
    this.#options = options;
  }

  /** Loads `url` (already normalized, in scope and allowed). Never rejects: failures come back in `error`. */
  async load(url: string, overrides: LoadOptions = {}): Promise<Loaded> {
    const options = this.#options;
    const acceptRedirect = overrides.acceptRedirect ?? options.acceptRedirect;
    const redirects: RedirectHop[] = [];
    const chain = new Set<string>([url]);
    const tally: Tally = { startedAt: undefined, attempts: 0 };
    const outcome = (finalUrl: string, response: HttpResponse | undefined, error?: FetchError, redirectSkipped?: SkipReason): Loaded => ({
      finalUrl, response, redirects, redirectSkipped, error,
      ms: tally.startedAt === undefined ? 0 : monotonicMs() - tally.startedAt,
      attempts: tally.attempts,
    });
    let current = url;
    for (;;) {
      const attempt = await this.#fetchWithRetries(current, overrides, tally, redirects.length);
      if (!attempt.response) return outcome(current, undefined, attempt.error);
      const response = attempt.response;
      const location = response.headers['location'];
      if (!REDIRECT_STATUSES.has(response.status) || location === undefined) return outcome(current, response);
      redirects.push({ url: current, status: response.status, location });
      const target = options.normalize(resolveLocation(location, current) ?? '');
      if (target === null) return outcome(current, response, new FetchError('bad-redirect', `Redirect to an unusable location: ${location}`));
      if (chain.has(target)) return outcome(current, response, new FetchError('redirect-loop', `Redirect loop back to ${target}`));
      const maxRedirects = overrides.maxRedirects ?? options.maxRedirects;
      if (redirects.length > maxRedirects)
        return outcome(current, response, new FetchError('too-many-redirects', `More than ${maxRedirects} redirects`));
      const skipped = await acceptRedirect(target, url);
      if (skipped) return outcome(target, response, undefined, skipped);
      chain.add(target);
      current = target;
    }
  }

  async #fetchWithRetries(url: string, overrides: LoadOptions, tally: Tally, hops: number): Promise<{ response?: HttpResponse; error?: FetchError }> {
    const options = this.#options;
    const host = new URL(url).host;
    for (let attempt = 0; ; attempt++) {
      let response: HttpResponse | undefined;
      let error: FetchError | undefined;
      try {
        // The throttle hears how the request went before the host's slot is released, so the next request to the
        // host already runs under the adjusted delay and concurrency.
        response = await options.limiter.run(host, async () => {
          tally.startedAt ??= monotonicMs();
          tally.attempts++;
          try {
            const method = overrides.method ?? 'GET';
            const purpose = overrides.purpose ?? 'page';
            // Inside the host's slot, so a signed token is made just before its request leaves.
            // Synchronous unless a beforeRequest hook runs: a plain crawl waits for nothing here.
            const pending = options.requestHeaders?.headersFor({ url, method, purpose, attempt: attempt + 1, redirects: hops });
            const headers = pending instanceof Promise ? await pending : pending;
            const answer = await options.fetcher.request(url, {
              method,
              signal: options.abortSignal,
              shouldReadBody: overrides.shouldReadBody ?? options.shouldReadBody,
              maxBytes: overrides.maxBytes,
              headers,
            });
            const storing = options.requestHeaders?.received(url, answer.headers);
            if (storing) await storing;
            options.limiter.observe(host, { latencyMs: answer.ms, status: answer.status });
            return answer;
          } catch (failure) {
            // Neither an abort, a refused address nor a failed beforeRequest hook says anything about how the host copes.
            if (!(failure instanceof FetchError && ['aborted', 'blocked-address', 'before-request-failed'].includes(failure.code)))
              options.limiter.observe(host, { latencyMs: 0, status: null });
            throw failure;
          }
        });
      } catch (caught) {
        error = caught instanceof FetchError ? caught : new FetchError('aborted', 'Stopped before the request was sent', { cause: caught });
      }
      if (attempt >= options.retries || options.stopSignal.aborted) return response ? { response } : { error: error as FetchError };
      let waitMs: number;
      if (response) {
        if (!isRetryableStatus(response.status)) return { response };
        const retryAfterMs = parseRetryAfter(response.headers['retry-after'], Date.now());
        // A server asking for a longer pause than we allow gets its answer recorded rather than a hammering.
        if (retryAfterMs !== undefined && retryAfterMs > options.maxRetryAfterMs) return { response };
        waitMs = retryDelayMs(attempt + 1, options.retryDelayMs, (options.random ?? Math.random)(), retryAfterMs);
      } else {
        if (!isRetryableError(error)) return { error: error as FetchError };
        waitMs = retryDelayMs(attempt + 1, options.retryDelayMs, (options.random ?? Math.random)());
      }
      options.logger.debug({ url, attempt: attempt + 1, waitMs, status: response?.status, code: error?.code }, 'retrying');
      try {
        await abortableDelay(waitMs, options.stopSignal);
      } catch {
        return response ? { response } : { error: error as FetchError };
      }
    }
  }
}

function resolveLocation(location: string, base: string): string | undefined {
  try {
    return new URL(location, base).href;
  } catch {
    return undefined;
  }
}
