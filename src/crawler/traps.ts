/** Why a URL looks like a crawl trap, or `null` when it does not. */
export type TrapReason = 'too-long' | 'trap' | null;

/**
 * Guards against crawl traps (calendars, session ids in paths, relative-link loops like `/a/b/a/b/a/b`): a URL longer
 * than `maxUrlLength`, or one whose path repeats any segment more than `maxRepeatedSegments` times. Pure.
 */
export function detectTrap(url: string, pathname: string, maxUrlLength: number, maxRepeatedSegments: number): TrapReason {
  if (url.length > maxUrlLength) return 'too-long';
  // Fast path: a path with no more segments than the cap cannot repeat one too often.
  let slashes = 0;
  for (let index = pathname.indexOf('/'); index !== -1; index = pathname.indexOf('/', index + 1)) slashes++;
  if (slashes <= maxRepeatedSegments) return null;
  const counts = new Map<string, number>();
  for (const segment of pathname.split('/')) {
    if (segment === '') continue;
    const count = (counts.get(segment) ?? 0) + 1;
    if (count > maxRepeatedSegments) return 'trap';
    counts.set(segment, count);
  }
  return null;
}
