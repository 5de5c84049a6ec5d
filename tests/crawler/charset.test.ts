import { describe, expect, test } from 'vitest';
import { decodeHtml, sniffCharset } from '../../src/crawler/charset.js';
import type { SniffedCharset } from '../../src/crawler/charset.js';

const ascii = (text: string) => Uint8Array.from(Buffer.from(text, 'latin1'));
const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...Buffer.from(part, 'latin1')] : part)));

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const UTF16LE_BOM = [0xff, 0xfe];
const UTF16BE_BOM = [0xfe, 0xff];
// windows-1251 'Привет'
const PRIVET_1251 = [0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2];
// shift_jis 'こんにちは'
const KONNICHIWA_SJIS = [0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd];

describe('sniffCharset precedence', () => {
  test.each<[string, Uint8Array, string | undefined, SniffedCharset]>([
    ['a UTF-8 BOM beats the header and meta', bytes(UTF8_BOM, '<meta charset="shift_jis">'), 'text/html; charset=windows-1251', { charset: 'utf-8', source: 'bom' }],
    ['a UTF-16LE BOM is read', bytes(UTF16LE_BOM, [0x3c, 0x00]), 'text/html; charset=utf-8', { charset: 'utf-16le', source: 'bom' }],
    ['a UTF-16BE BOM is read', bytes(UTF16BE_BOM, [0x00, 0x3c]), undefined, { charset: 'utf-16be', source: 'bom' }],
    ['the header beats meta', ascii('<meta charset="shift_jis">'), 'text/html; charset=windows-1251', { charset: 'windows-1251', source: 'header' }],
    ['meta beats the default', ascii('<head><meta charset="shift_jis"></head>'), 'text/html', { charset: 'shift_jis', source: 'meta' }],
    ['nothing gives the UTF-8 default', ascii('<p>hello</p>'), 'text/html', { charset: 'utf-8', source: 'default' }],
    ['no content type and no meta gives the default', ascii(''), undefined, { charset: 'utf-8', source: 'default' }],
  ])('%s', (_name, body, contentType, expected) => {
    expect(sniffCharset(body, contentType)).toEqual(expected);
  });
});

describe('sniffCharset header labels', () => {
  test.each<[string, string, string]>([
    ['a plain label', 'text/html; charset=windows-1251', 'windows-1251'],
    ['a quoted label', 'text/html; charset="Shift_JIS"', 'shift_jis'],
    ['an upper-case parameter name', 'text/html; CHARSET=ISO-8859-1', 'windows-1252'],
    ['an alias mapped to its encoding name', 'text/html; charset=cp1251', 'windows-1251'],
    ['spaces around =', 'text/html;charset = koi8-r', 'koi8-r'],
    ['the label after another parameter', 'text/html; q=1; charset=euc-jp', 'euc-jp'],
  ])('reads %s', (_name, contentType, expected) => {
    expect(sniffCharset(ascii('<p>x</p>'), contentType)).toEqual({ charset: expected, source: 'header' });
  });

  test.each([
    ['an unknown label', 'text/html; charset=no-such-charset'],
    ['an empty label', 'text/html; charset='],
    ['a content type without charset', 'text/html'],
  ])('passes over %s to meta', (_name, contentType) => {
    expect(sniffCharset(ascii('<meta charset="koi8-r">'), contentType)).toEqual({ charset: 'koi8-r', source: 'meta' });
  });
});

describe('sniffCharset meta prescan', () => {
  test.each<[string, string, SniffedCharset]>([
    ['<meta charset> without quotes', '<meta charset=windows-1251>', { charset: 'windows-1251', source: 'meta' }],
    ['<meta charset> in single quotes', "<meta charset='shift_jis'>", { charset: 'shift_jis', source: 'meta' }],
    ['upper-case tag and attribute', '<META CHARSET="EUC-JP">', { charset: 'euc-jp', source: 'meta' }],
    ['the http-equiv form', '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">', { charset: 'windows-1251', source: 'meta' }],
    ['the http-equiv form, content first', '<meta content="text/html; charset=shift_jis" http-equiv="content-type">', { charset: 'shift_jis', source: 'meta' }],
    ['an unknown label passed over for a later meta', '<meta charset="bogus"><meta charset="windows-1251">', { charset: 'windows-1251', source: 'meta' }],
    ['only unknown labels give the default', '<meta charset="bogus">', { charset: 'utf-8', source: 'default' }],
    ['a utf-16 meta taken as utf-8', '<meta charset="utf-16">', { charset: 'utf-8', source: 'meta' }],
    ['a utf-16le meta taken as utf-8', '<meta charset="UTF-16LE">', { charset: 'utf-8', source: 'meta' }],
    ['a utf-16be meta taken as utf-8', '<meta charset="utf-16be">', { charset: 'utf-8', source: 'meta' }],
  ])('reads %s', (_name, html, expected) => {
    expect(sniffCharset(ascii(`<!doctype html><html><head>${html}</head></html>`), undefined)).toEqual(expected);
  });

  test('reads a meta that starts within the first 1024 bytes', () => {
    const body = ascii(`${' '.repeat(1000)}<meta charset="koi8-r">`);
    expect(sniffCharset(body, undefined)).toEqual({ charset: 'koi8-r', source: 'meta' });
  });

  test('ignores a meta after the first 1024 bytes', () => {
    const body = ascii(`${' '.repeat(1024)}<meta charset="koi8-r">`);
    expect(sniffCharset(body, undefined)).toEqual({ charset: 'utf-8', source: 'default' });
  });

  test('reads a meta from a subarray view at its own offset', () => {
    const buffer = ascii('<meta charset="shift_jis">XXXX<meta charset="koi8-r">');
    expect(sniffCharset(buffer.subarray(30), undefined)).toEqual({ charset: 'koi8-r', source: 'meta' });
  });
});

describe('decodeHtml', () => {
  test.each<[string, Uint8Array, string | undefined, string, string]>([
    ['windows-1251 named in the header', bytes('<p>', PRIVET_1251, '</p>'), 'text/html; charset=windows-1251', '<p>Привет</p>', 'windows-1251'],
    ['windows-1251 named in meta', bytes('<meta charset="windows-1251"><p>', PRIVET_1251), undefined, '<meta charset="windows-1251"><p>Привет', 'windows-1251'],
    ['shift_jis named in the header', bytes(KONNICHIWA_SJIS), 'text/html; charset=Shift_JIS', 'こんにちは', 'shift_jis'],
    ['shift_jis named by http-equiv', bytes('<meta http-equiv="content-type" content="text/html; charset=shift_jis">', KONNICHIWA_SJIS), undefined, '<meta http-equiv="content-type" content="text/html; charset=shift_jis">こんにちは', 'shift_jis'],
    ['UTF-8 with its BOM dropped', bytes(UTF8_BOM, [...Buffer.from('<p>é</p>')]), 'text/html; charset=windows-1251', '<p>é</p>', 'utf-8'],
    ['UTF-16LE with its BOM dropped', bytes(UTF16LE_BOM, [...Buffer.from('<p>é</p>', 'utf16le')]), undefined, '<p>é</p>', 'utf-16le'],
    ['UTF-8 by default', bytes([...Buffer.from('<p>日本</p>')]), undefined, '<p>日本</p>', 'utf-8'],
  ])('decodes %s', (_name, body, contentType, text, charset) => {
    expect(decodeHtml(body, contentType)).toEqual({ text, charset });
  });

  test('decodes x-user-defined, which TextDecoder lacks: ASCII as it is, other bytes into U+F780-U+F7FF', () => {
    expect(decodeHtml(bytes('<p>', [0x80, 0xff], '</p>'), 'text/html; charset=x-user-defined')).toEqual({ text: '<p>\uF780\uF7FF</p>', charset: 'x-user-defined' });
  });

  test('decodes a replacement label (ISO-2022-KR) to one U+FFFD, as the WHATWG Encoding standard says', () => {
    expect(decodeHtml(ascii('<p>hi</p>'), 'text/html; charset=ISO-2022-KR')).toEqual({ text: '\uFFFD', charset: 'replacement' });
  });

  test('turns invalid UTF-8 into U+FFFD instead of throwing', () => {
    expect(decodeHtml(bytes('<p>', [0xff, 0xfe, 0xc3], '</p>'), 'text/html; charset=utf-8').text).toBe('<p>\uFFFD\uFFFD\uFFFD</p>');
  });

  test('windows-1251 bytes read as UTF-8 without a label are not Cyrillic', () => {
    expect(decodeHtml(bytes(PRIVET_1251), undefined).text).not.toBe('Привет');
  });
});
