import type { DefaultTreeAdapterMap } from 'parse5';

/** A parse5 document. */
export type Document = DefaultTreeAdapterMap['document'];
/** A parse5 element. */
export type Element = DefaultTreeAdapterMap['element'];
/** Any parse5 node. */
export type Node = DefaultTreeAdapterMap['node'];

function isElement(node: Node): node is Element {
  return 'tagName' in node;
}

/**
 * Visits every element under `root` in document order (depth-first, pre-order), iteratively so deep trees cannot
 * overflow the stack. Template contents are not visited: they are inert until a script clones them.
 */
export function walkElements(root: Node, visit: (element: Element) => void): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (isElement(node)) visit(node);
    if ('childNodes' in node) {
      const children = node.childNodes;
      for (let index = children.length - 1; index >= 0; index--) stack.push(children[index] as Node);
    }
  }
}

/** Elements under `root` whose tag name is one of `tagNames` (lower-case), in document order. */
export function findElements(root: Node, ...tagNames: string[]): Element[] {
  const wanted = new Set(tagNames);
  const found: Element[] = [];
  walkElements(root, (element) => {
    if (wanted.has(element.tagName)) found.push(element);
  });
  return found;
}

/** The value of an attribute (names are lower-case in HTML), or `undefined` when absent. */
export function getAttribute(element: Element, name: string): string | undefined {
  for (const attribute of element.attrs) {
    if (attribute.name === name) return attribute.value;
  }
  return undefined;
}

// White space that collapsing would change: at either end, two in a row, or anything but a plain space.
const UNCOLLAPSED_WHITE_SPACE = /^\s|\s$|\s\s|[^\S ]/;

/** `text` with runs of white space collapsed to one space and trimmed. */
export function collapseWhiteSpace(text: string): string {
  // Most text (link text, titles) is already collapsed: testing costs half of replacing.
  return UNCOLLAPSED_WHITE_SPACE.test(text) ? text.replace(/\s+/g, ' ').trim() : text;
}

/** The text content of a node with runs of white space collapsed to one space and trimmed. */
export function textContent(root: Node): string {
  // One text child (most links and titles, and every element of the streaming pass): no walk.
  if ('childNodes' in root && root.childNodes.length === 1 && root.nodeName !== 'script' && root.nodeName !== 'style') {
    const only = root.childNodes[0] as Node;
    if (only.nodeName === '#text') return collapseWhiteSpace((only as DefaultTreeAdapterMap['textNode']).value);
  }
  const parts: string[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.nodeName === '#text') parts.push((node as DefaultTreeAdapterMap['textNode']).value);
    else if ('childNodes' in node && node.nodeName !== 'script' && node.nodeName !== 'style') {
      const children = node.childNodes;
      for (let index = children.length - 1; index >= 0; index--) stack.push(children[index] as Node);
    }
  }
  return collapseWhiteSpace(parts.join(''));
}
