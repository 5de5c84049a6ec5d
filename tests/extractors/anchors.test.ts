import { parse } from 'parse5';
import { collectAnchors, hasAnchor } from '../../src/index.js';
import { expect, test } from '../helpers/fixtures.js';

test('collectAnchors finds every id and every a[name], once each, in document order', () => {
  const document = parse('<div id="b"><a name="a"></a><p name="p" id="c"></p><a id="b"></a><template><i id="inert"></i></template></div>');
  expect(collectAnchors(document)).toEqual(['b', 'a', 'c']);
});

test.each([
  ['section', true],
  ['Section', false],
  ['', true],
  ['top', true],
  ['TOP', true],
  ['caf%C3%A9', true],
  ['%E0%A4%A', false],
  [':~:text=hello', true],
  ['section:~:text=hello', true],
  ['missing:~:text=hello', false],
  ['missing', false],
])('hasAnchor(%j) is %s', (fragment, expected) => {
  expect(hasAnchor(new Set(['section', 'café']), fragment)).toBe(expected);
});
