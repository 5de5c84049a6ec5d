import type { Options } from 'css-select';
import { html } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';
import type { Element, Node } from './dom.js';
import { getAttribute, walkElements } from './dom.js';

// Why an adapter over parse5's own tree rather than parse5-htmlparser2-tree-adapter: that adapter builds a different
// tree (domhandler nodes), so `page.document`, `elements()`, `attr()` and `text()` would either change type for every
// extractor or need a second parse of each page. Reading parse5's nodes in place keeps one tree per page, shared by
// tag lookups and selectors, and costs css-select nothing: it only ever talks to the tree through these functions.

type ParentNode = DefaultTreeAdapterMap['parentNode'];
// css-select exports the Adapter interface only through its options.
type Adapter = NonNullable<Options<Node, Element>['adapter']>;

function isTag(node: Node): node is Element {
  return 'tagName' in node;
}

function childrenOf(node: Node): Node[] {
  return 'childNodes' in node ? (node.childNodes as Node[]) : [];
}

function parentOf(node: Node): ParentNode | null {
  return 'parentNode' in node ? node.parentNode : null;
}

/** The text of a node and its descendants, as written (css-select's `:contains` reads it). */
function rawText(node: Node): string {
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterMap['textNode']).value;
  let text = '';
  for (const child of childrenOf(node)) text += rawText(child);
  return text;
}

/** The first element, in document order, of `nodes` and their descendants that passes `test`; iterative, as deep trees are common. */
function findOne(test: (element: Element) => boolean, nodes: Node[]): Element | null {
  const stack = nodes.slice().reverse();
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (isTag(node) && test(node)) return node;
    const children = childrenOf(node);
    for (let index = children.length - 1; index >= 0; index--) stack.push(children[index] as Node);
  }
  return null;
}

/**
 * css-select's view of parse5's default tree, written once. Tag names of foreign (SVG, MathML) elements are
 * compared lower-case, as css-select lower-cases the selector's in HTML mode (parse5 keeps `linearGradient`).
 */
export const parse5Adapter: Adapter = {
  isTag,
  getAttributeValue: getAttribute,
  getChildren: childrenOf,
  getName: (element) => (element.namespaceURI === html.NS.HTML ? element.tagName : element.tagName.toLowerCase()),
  getParent: (element) => parentOf(element),
  getSiblings: (node) => {
    const parent = parentOf(node);
    return parent ? (parent.childNodes as Node[]) : [node];
  },
  prevElementSibling: (node) => {
    const parent = parentOf(node);
    if (!parent) return null;
    const siblings = parent.childNodes as Node[];
    for (let index = siblings.indexOf(node) - 1; index >= 0; index--) {
      const sibling = siblings[index] as Node;
      if (isTag(sibling)) return sibling;
    }
    return null;
  },
  getText: rawText,
  existsOne: (test, nodes) => findOne(test, nodes) !== null,
  findOne,
  findAll: (test, nodes) => {
    const found: Element[] = [];
    for (const node of nodes) walkElements(node, (element) => test(element) && found.push(element));
    return found;
  },
  hasAttrib: (element, name) => element.attrs.some((attribute) => attribute.name === name),
  // As domutils' removeSubsets: drop duplicates and nodes whose ancestor is in the list.
  removeSubsets: (nodes) => {
    const kept = new Set(nodes);
    return [...kept].filter((node) => {
      for (let ancestor = parentOf(node); ancestor; ancestor = parentOf(ancestor)) if (kept.has(ancestor)) return false;
      return true;
    });
  },
};
