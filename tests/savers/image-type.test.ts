import { describe, expect, test } from 'vitest';
import { readDimensions, sniffImageType } from '../../src/index.js';
import { avif, bmp, gif, ico, jpeg, png, svg, webp } from '../helpers/images.js';

describe('sniffImageType reads the magic bytes and readDimensions the header', () => {
  test.each([
    ['jpeg', jpeg(30, 20)],
    ['png', png(30, 20)],
    ['gif', gif(30, 20)],
    ['webp', webp(30, 20)],
    ['avif', avif(30, 20)],
    ['svg', svg(30, 20)],
    ['bmp', bmp(30, 20)],
  ] as const)('%s', (type, bytes) => {
    expect(sniffImageType(bytes)).toBe(type);
    expect(readDimensions(bytes, type)).toEqual({ width: 30, height: 20 });
  });

  test('ico: the largest image of the directory', () => {
    expect(sniffImageType(ico(48))).toBe('ico');
    expect(readDimensions(ico(48), 'ico')).toEqual({ width: 48, height: 48 });
  });
});

describe('bodies that are not images', () => {
  test.each([
    ['an HTML error page', '<!doctype html><html><head><title>404</title></head><body>Not found</body></html>'],
    ['an HTML page with an inline svg', '<html><body><svg width="10" height="10"></svg></body></html>'],
    ['JSON', '{"error":"nope"}'],
    ['plain text starting with BM', 'BMW is a car maker, not a bitmap'],
    ['an empty body', ''],
    ['RIFF that is not WebP', 'RIFF\x04\x00\x00\x00WAVEfmt '],
    ['an ISO-BMFF file that is not AVIF', '\x00\x00\x00\x14ftypisom\x00\x00\x00\x00mp41'],
  ])('%s', (_name, text) => {
    expect(sniffImageType(Buffer.from(text, 'latin1'))).toBeNull();
  });
});

describe('SVG roots behind prologs', () => {
  test.each([
    '<svg xmlns="http://www.w3.org/2000/svg"/>',
    '\uFEFF  <?xml version="1.0" encoding="utf-8"?>\n<!-- made by hand -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg width="2" height="3"></svg>',
    '<svg:svg xmlns:svg="http://www.w3.org/2000/svg"></svg:svg>',
  ])('%j', (text) => {
    expect(sniffImageType(Buffer.from(text))).toBe('svg');
  });

  test('an SVG without a size has null dimensions; a corrupt PNG header has none', () => {
    expect(readDimensions(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), 'svg')).toEqual({ width: null, height: null });
    expect(readDimensions(png(4, 4).subarray(0, 12), 'png')).toBeUndefined();
  });
});
