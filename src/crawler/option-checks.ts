/** The checks every option validator shares: how a received value is shown, and the integer and time rules. */
import { OptionsError } from '../errors.js';

/**
 * The longest time any option may give, in ms: 2^31-1 (about 24.8 days), the largest delay `setTimeout` takes. Node
 * runs a longer timer after 1 ms (TimeoutOverflowWarning), so a longer timeout would fail every request at once.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** Shows a received value in an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** Throws the OptionsError of a value that broke `rule`. */
export function fail(name: string, rule: string, value: unknown): never {
  throw new OptionsError(name, `Expected \`${name}\` to be ${rule}, got ${describe(value)}`);
}

/** Whether `value` is an integer in [min, max]. */
export function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** The rule a rejected integer broke: the range when the maximum is a real limit or was passed, else just `>= min`. */
export function integerRule(min: number, max: number, value: unknown): string {
  const showMax = max < Number.MAX_SAFE_INTEGER || (typeof value === 'number' && value > max);
  return showMax ? `an integer between ${min} and ${max}` : `an integer >= ${min}`;
}
