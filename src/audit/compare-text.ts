/** Compares strings by UTF-16 code unit: the same order on every machine and locale, for stable report lists. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
