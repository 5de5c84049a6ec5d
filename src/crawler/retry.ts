import { FetchError } from '../errors.js';

/** Statuses worth another try: rate limiting and server errors (transient by definition, RFC 9110 15.6). */
export function isRetryableStatus(status: number): boolean {
  // 501 Not Implemented and 505 HTTP Version Not Supported will answer the same next time.
  return status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

/** Network failures worth another try; redirect trouble, robots and aborts are final. */
export function isRetryableError(error: unknown): boolean {
  if (!(error instanceof FetchError)) return false;
  return ['timeout', 'dns', 'connect', 'reset', 'network'].includes(error.code);
}

/**
 * Parses a Retry-After header (RFC 9110 10.2.3): delay-seconds or an HTTP-date. Returns milliseconds to wait, or
 * `undefined` when absent or unreadable. `now` is passed in so the rule stays pure.
 */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Date.parse reads almost anything ("1.5", "-5"); every HTTP-date form starts with a day name, so demand one. The
  // asctime form has no zone and means GMT.
  if (!/^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s/i.test(text)) return undefined;
  const date = Date.parse(/\bgmt$/i.test(text) ? text : `${text} GMT`);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The longest backoff between two retries, in ms. */
export const MAX_BACKOFF_MS = 30_000;

/**
 * Delay before retry number `attempt` (1-based): exponential backoff with equal jitter (`random` in [0, 1)): between
 * half and all of the nominal delay, so retries neither bunch up nor wait for nothing; the nominal delay stops growing
 * at {@link MAX_BACKOFF_MS}. When the server sent Retry-After, exactly what it asked for.
 */
export function retryDelayMs(attempt: number, baseMs: number, random: number, retryAfterMs?: number): number {
  const nominal = Math.min(baseMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
  const backoff = Math.round(nominal / 2 + (random * nominal) / 2);
  return retryAfterMs ?? backoff;
}
