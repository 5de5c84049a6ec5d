import { expect, test } from 'vitest';
import { binaryOfText, decodeAttributes, readUtf8Body, textOfBinary } from '../../src/extractors/binary-utf8.js';

const binary = (bytes: number[] | string) => Buffer.from(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes).toString('latin1');

test('a UTF-8 body becomes one character per byte, its BOM dropped, binary (to decode) unless all ASCII', () => {
  expect(readUtf8Body(Buffer.from('plain <a>'))).toEqual({ text: 'plain <a>', binary: false });
  expect(readUtf8Body(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ text: 'a', binary: false });
  expect(readUtf8Body(Buffer.from('café'))).toEqual({ text: 'caf\u00c3\u00a9', binary: true });
});

test('pieces decode as they would inside the whole body: bad bytes become U+FFFD, a BOM inside stays', () => {
  expect(textOfBinary('plain')).toBe('plain');
  expect(textOfBinary(binary('naïve €'))).toBe('naïve €');
  expect(textOfBinary(binary([0x61, 0xe2, 0x82]))).toBe('a\ufffd');
  expect(textOfBinary(binary([0xc0, 0xaf, 0x62]))).toBe('\ufffd\ufffdb');
  expect(textOfBinary(binary([0xef, 0xbb, 0xbf, 0x61]))).toBe('\ufeffa');
});

test('characters the tokenizer adds go in as UTF-8 bytes, and U+FFFD added as a character is kept as it is', () => {
  expect(binaryOfText('&')).toBe('&');
  expect(textOfBinary(binary('x') + binaryOfText('é€\u{1F600}'))).toBe('xé€\u{1F600}');
  expect(textOfBinary(`${binary('ü')}\ufffd${binary('ß')}`)).toBe('ü\ufffdß');
  const attrs = [{ name: 'title', value: binary('Résumé') }];
  decodeAttributes(attrs);
  expect(attrs).toEqual([{ name: 'title', value: 'Résumé' }]);
});
