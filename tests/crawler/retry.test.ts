import { describe, expect, test } from 'vitest';
import { FetchError } from '../../src/errors.js';
import type { FetchErrorCode } from '../../src/errors.js';
import { isRetryableError, isRetryableStatus, parseRetryAfter, retryDelayMs } from '../../src/crawler/retry.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');

describe('parseRetryAfter', () => {
  test.each<[string, string | undefined, number | undefined]>([
    ['an absent header is undefined', undefined, undefined],
    ['delay-seconds become ms', '120', 120_000],
    ['zero seconds is zero', '0', 0],
    ['surrounding white space is ignored', '  5 ', 5_000],
    ['an IMF-fixdate in the future is the time left', 'Sat, 01 Jun 2024 12:00:30 GMT', 30_000],
    ['an obsolete RFC 850 date is read', 'Saturday, 01-Jun-24 12:01:00 GMT', 60_000],
    ['an obsolete asctime date is read as GMT', 'Sat Jun  1 12:00:10 2024', 10_000],
    ['a date in the past is zero', 'Sat, 01 Jun 2024 11:00:00 GMT', 0],
    ['an empty header is undefined', '', undefined],
    ['words are undefined', 'soon', undefined],
    ['a fraction is undefined', '1.5', undefined],
    ['a negative number is undefined', '-5', undefined],
    ['seconds with a unit are undefined', '10 seconds', undefined],
    ['digits followed by letters are undefined', '12abc', undefined],
    ['letters followed by digits are undefined', 'abc 12', undefined],
    ['an ISO date is undefined', '2024-06-01T12:00:30Z', undefined],
  ])('%s', (_name, header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });
});

describe('retryDelayMs', () => {
  test.each([
    // attempt, baseMs, random, expected: nominal = base * 2^(attempt-1), delay in [nominal/2, nominal]
    [1, 500, 0, 250],
    [1, 500, 0.999, 500],
    [1, 500, 0.5, 375],
    [2, 500, 0, 500],
    [2, 500, 0.999, 1000],
    [3, 500, 0, 1000],
    [3, 500, 0.999, 1999],
    [4, 100, 0, 400],
    [4, 100, 0.999, 800],
    [1, 0, 0.5, 0],
  ])('attempt %i with base %i and random %f waits %i ms', (attempt, baseMs, random, expected) => {
    expect(retryDelayMs(attempt, baseMs, random)).toBe(expected);
  });

  test.each([0, 0.25, 0.5, 0.75, 0.999])('stays within [nominal/2, nominal] for random %f', (random) => {
    for (let attempt = 1; attempt <= 6; attempt++) {
      const nominal = 300 * 2 ** (attempt - 1);
      const delay = retryDelayMs(attempt, 300, random);
      expect(delay).toBeGreaterThanOrEqual(nominal / 2);
      expect(delay).toBeLessThanOrEqual(nominal);
    }
  });

  test.each([
    [1, 0, 7_000, 7_000],
    [3, 0.999, 100, 100],
    [2, 0.5, 0, 0],
  ])('attempt %i with random %f and Retry-After %i ms waits exactly %i ms', (attempt, random, retryAfterMs, expected) => {
    expect(retryDelayMs(attempt, 500, random, retryAfterMs)).toBe(expected);
  });
});

describe('isRetryableStatus', () => {
  test.each([
    [200, false],
    [301, false],
    [400, false],
    [404, false],
    [408, false],
    [429, true],
    [499, false],
    [500, true],
    [501, false],
    [505, false],
    [502, true],
    [503, true],
    [504, true],
    [599, true],
    [600, false],
  ])('status %i is retryable: %s', (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });
});

describe('isRetryableError', () => {
  test.each<[FetchErrorCode, boolean]>([
    ['timeout', true],
    ['dns', true],
    ['connect', true],
    ['reset', true],
    ['network', true],
    ['tls', false],
    ['aborted', false],
    ['redirect-loop', false],
    ['too-many-redirects', false],
    ['bad-redirect', false],
    ['robots-disallowed', false],
    ['http-503', false],
  ])('a FetchError with code %s is retryable: %s', (code, expected) => {
    expect(isRetryableError(new FetchError(code, 'failed'))).toBe(expected);
  });

  test.each([
    ['a plain Error', new Error('socket hang up')],
    ['an Error with a retryable-looking code', Object.assign(new Error('x'), { code: 'timeout' })],
    ['a string', 'timeout'],
    ['undefined', undefined],
  ])('%s is not retryable', (_name, error) => {
    expect(isRetryableError(error)).toBe(false);
  });
});
