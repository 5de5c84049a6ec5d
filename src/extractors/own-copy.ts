/**
 * A copy of a slice of a page that does not keep the page alive: V8 lets a slice of 13 characters or more share its
 * parent's buffer, so a tag name or attribute value kept from a 100 KB page would keep all of it. Shorter slices are
 * copies already.
 */
export function ownCopy(slice: string): string {
  return slice.length < 13 ? slice : ` ${slice}`.slice(1);
}
