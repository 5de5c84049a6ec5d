import { describe, expect, test } from 'vitest';
import { parseSrcset, pickLargest } from '../../src/extractors/srcset.js';
import type { RankedCandidate } from '../../src/extractors/srcset.js';

describe('parseSrcset follows the HTML srcset parsing rules', () => {
  test.each([
    ['a.png', [{ url: 'a.png' }]],
    ['a.png 480w, b.png 800w', [{ url: 'a.png', width: 480 }, { url: 'b.png', width: 800 }]],
    ['a.png 1x,b.png 2x', [{ url: 'a.png', density: 1 }, { url: 'b.png', density: 2 }]],
    ['  a.png  1.5x ,\n b.png 3x  ', [{ url: 'a.png', density: 1.5 }, { url: 'b.png', density: 3 }]],
    ['a,b.png 100w, c.png 200w', [{ url: 'a,b.png', width: 100 }, { url: 'c.png', width: 200 }]],
    ['a.png, b.png 2x', [{ url: 'a.png' }, { url: 'b.png', density: 2 }]],
    ['a.png 100w 2x, b.png 50w', [{ url: 'b.png', width: 50 }]],
    ['a.png bogus, b.png 2x', [{ url: 'b.png', density: 2 }]],
    ['a.png 100w 80h', [{ url: 'a.png', width: 100 }]],
    ['data:image/png;base64,AAAA 2x', [{ url: 'data:image/png;base64,AAAA', density: 2 }]],
    ['', []],
    [' , , ', []],
  ] as const)('%j', (text, expected) => {
    expect(parseSrcset(text)).toEqual(expected);
  });
});

describe('pickLargest', () => {
  test.each<[string, RankedCandidate[], number]>([
    ['the widest by width descriptor', [{ url: 'a', width: 480 }, { url: 'b', width: 1200 }, { url: 'c', width: 800 }], 1],
    ['a width beats a candidate without one', [{ url: 'src' }, { url: 'b', width: 10 }], 1],
    ['the highest density', [{ url: 'a' }, { url: 'b', density: 3 }, { url: 'c', density: 2 }], 1],
    ['a lazy candidate beats a placeholder of the same rank', [{ url: 'placeholder' }, { url: 'real', isLazy: true }], 1],
    ['ties go to the first', [{ url: 'a', width: 5 }, { url: 'b', width: 5 }], 0],
    ['nothing to pick', [], -1],
  ])('%s', (_name, candidates, expected) => {
    expect(pickLargest(candidates)).toBe(expected);
  });
});
