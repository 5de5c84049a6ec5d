import { getAttribute, walkElements } from './dom.js';
import type { Document } from './dom.js';

/**
 * The fragment targets of a document (HTML 7.4.6.3, "the indicated part of the document"): the `id` of every element
 * and the `name` of every `a` element, as written, in document order, each once. Pure.
 */
export function collectAnchors(document: Document): string[] {
  const anchors = new Set<string>();
  walkElements(document, (element) => {
    const id = getAttribute(element, 'id');
    if (id) anchors.add(id);
    if (element.tagName === 'a') {
      const name = getAttribute(element, 'name');
      if (name) anchors.add(name);
    }
  });
  return [...anchors];
}

/**
 * Whether `fragment` (as found in a URL, without `#`) names a part of a document with these anchors. As browsers do,
 * the empty fragment and `top` mean the top of the page, the fragment matches as written or percent-decoded, and text
 * fragments (`:~:text=`) always pass. Pure.
 */
export function hasAnchor(anchors: ReadonlySet<string>, fragment: string): boolean {
  // URL Fragment Text Directives 3.3: the directive after `:~:` is stripped before the fragment is matched.
  const directive = fragment.indexOf(':~:');
  if (directive >= 0) fragment = fragment.slice(0, directive);
  if (fragment === '' || fragment.toLowerCase() === 'top') return true;
  if (anchors.has(fragment)) return true;
  try {
    return anchors.has(decodeURIComponent(fragment));
  } catch {
    return false;
  }
}
