import { FetchError } from './errors.js';

/** Statuses worth another try: rate limiting and server errors (transient by definition, RFC 9110 15.6). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
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

/**
 * Delay before retry number `attempt` (1-based): exponential backoff with full jitter (`random` in [0, 1)), never less
 * than half the nominal delay so retries do not bunch up; when the server sent Retry-After, exactly what it asked for.
 */
export function retryDelayMs(attempt: number, baseMs: number, random: number, retryAfterMs?: number): number {
  const nominal = baseMs * 2 ** (attempt - 1);
  const backoff = Math.round(nominal / 2 + (random * nominal) / 2);
  return retryAfterMs ?? backoff;
}
