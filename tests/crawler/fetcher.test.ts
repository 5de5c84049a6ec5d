import { describe, expect, test } from 'vitest';
import { decodeHeaderUtf8 } from '../../src/crawler/fetcher.js';

// undici hands header values over as Latin-1: one code point per raw byte.
const asUndiciSees = (bytes: number[]) => String.fromCharCode(...bytes);

describe('decodeHeaderUtf8', () => {
  test.each([
    ['ASCII stays as it is', '/plain/path?q=1', '/plain/path?q=1'],
    ['UTF-8 bytes of ü become ü', asUndiciSees([0x2f, 0xc3, 0xbc]), '/ü'],
    ['UTF-8 bytes of 日本 become 日本', asUndiciSees([0x2f, 0xe6, 0x97, 0xa5, 0xe6, 0x9c, 0xac]), '/日本'],
    ['a lone Latin-1 ü byte is not UTF-8 and stays ü', asUndiciSees([0x2f, 0xfc]), '/ü'],
    ['a truncated UTF-8 sequence keeps its Latin-1 reading', asUndiciSees([0x2f, 0xe6, 0x97]), '/æ\u0097'],
    ['a value already holding code points above 255 is left alone', '/日本', '/日本'],
  ])('%s', (_name, value, expected) => {
    expect(decodeHeaderUtf8(value)).toBe(expected);
  });
});
