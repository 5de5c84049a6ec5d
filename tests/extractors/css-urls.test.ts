import { describe, expect, test } from 'vitest';
import { cssBackgroundUrls } from '../../src/extractors/css-urls.js';

describe('cssBackgroundUrls reads the image URLs of background declarations', () => {
  test.each([
    ['background-image: url(a.png)', ['a.png']],
    ["background-image:url('a b.png')", ['a b.png']],
    ['background: #fff url("x.jpg") no-repeat', ['x.jpg']],
    ['BACKGROUND-IMAGE: URL( a.png )', ['a.png']],
    ['background-image: url(a.png), url(b.png)', ['a.png', 'b.png']],
    ['color: red; background-image: url(data:image/png;base64,AAA=); margin: 0', ['data:image/png;base64,AAA=']],
    ['background-image: image-set("a.png" 1x, url(b.png) 2x)', ['a.png', 'b.png']],
    ['border-image: url(no.png); list-style: url(no.png)', []],
    ['background-image: none', []],
    ['background-image: url()', []],
    ['', []],
  ] as const)('%j', (style, expected) => {
    expect(cssBackgroundUrls(style)).toEqual(expected);
  });
});
