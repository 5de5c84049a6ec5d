import { expect, test } from 'vitest';
import { encodingForLabel } from '../../src/crawler/encoding-label.js';

test.each<[string, string | null]>([
  ['utf-8', 'utf-8'],
  ['UTF8', 'utf-8'],
  ['  Shift_JIS\n', 'shift_jis'],
  ['\fkoi8-r\t', 'koi8-r'],
  ['latin1', 'windows-1252'],
  ['ISO-8859-1', 'windows-1252'],
  ['iso8859-2', 'iso-8859-2'],
  ['cp1251', 'windows-1251'],
  ['utf-16', 'utf-16le'],
  ['unicodefffe', 'utf-16be'],
  ['x-user-defined', 'x-user-defined'],
  ['ISO-2022-KR', 'replacement'],
  ['hz-gb-2312', 'replacement'],
  ['replacement', 'replacement'],
  ['', null],
  ['utf 8', null],
  ['bogus', null],
  ['utf-32', null],
  // The Kelvin sign lower-cases to 'k' in Unicode, but labels match ASCII case-insensitively only.
  ['\u212Aoi8-r', null],
])('%j names %j', (label, expected) => {
  expect(encodingForLabel(label)).toBe(expected);
});
