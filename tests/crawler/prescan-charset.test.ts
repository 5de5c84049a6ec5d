import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { sniffCharset } from '../../src/crawler/charset.js';
import { encodingFromMetaContent, PRESCAN_BYTES, prescanCharset } from '../../src/crawler/prescan-charset.js';

// The html5lib-tests encoding cases (tests/fixtures/html5lib-encoding, MIT): each gives the start of a document as bytes
// (`#data`) and the encoding a browser picks for it without a Content-Type charset (`#encoding`).

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'html5lib-encoding');
const DAT_FILES = ['tests1.dat', 'tests2.dat', 'test-yahoo-jp.dat'];

interface EncodingCase {
  /** `file #n`, n counting the file's cases from 1. */
  name: string;
  bytes: Uint8Array;
  /** The expected encoding, as a WHATWG encoding name. */
  encoding: string;
}

/** Reads a .dat file: `#data` lines (bytes, the last newline not included) then an `#encoding` line. */
function readDat(file: string): EncodingCase[] {
  // latin1 keeps one character per byte, so the data's bytes (UTF-8 text, a BOM) come back unchanged.
  const text = readFileSync(join(FIXTURES, file)).toString('latin1');
  return text
    .split(/^#data\n/m)
    .slice(1)
    .map((block, index) => {
      const [data, rest] = block.split(/\n#encoding\n/) as [string, string];
      const label = rest.split('\n')[0]!.trim();
      return { name: `${file} #${index + 1}`, bytes: Uint8Array.from(Buffer.from(data, 'latin1')), encoding: new TextDecoder(label).encoding };
    });
}

/**
 * Cases that depend on more than the prescan, by name. In each the only declaration is a `<meta>` that starts past the
 * first 1024 bytes (a long comment or script comes first). Browsers, and html5lib's parser, find it during tree
 * construction and then "change the encoding while parsing" (WHATWG HTML 13.2.3.4), decoding the page again. sitecrawl
 * decodes once, with what the sniffing algorithm found in the first 1024 bytes, as the spec encourages for the prescan;
 * the authoring rules require the declaration to be there (HTML 4.2.5.4).
 */
const NEEDS_CHANGING_THE_ENCODING_WHILE_PARSING = new Set([
  'tests1.dat #48', // <!-- 2048 characters --> then <meta charset>
  'tests1.dat #49', // <!-- 2049 characters -->
  'tests1.dat #50', // <!-- 4096 characters -->
  'tests1.dat #51', // <!-- 4097 characters -->
  'tests1.dat #52', // <!-- 8192 characters -->
  'tests1.dat #53', // <!-- 8193 characters -->
  'tests1.dat #54', // multi-script test: scripts and a long comment, then <meta charset>
]);

const CASES = DAT_FILES.flatMap(readDat);
const firstMeta = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1').search(/<meta/i);

describe('html5lib-tests encoding cases', () => {
  test('the fixtures hold all 82 cases', () => {
    expect(CASES).toHaveLength(82);
  });

  test.each(CASES.filter(({ name }) => !NEEDS_CHANGING_THE_ENCODING_WHILE_PARSING.has(name)).map((testCase) => [testCase.name, testCase] as const))(
    '%s',
    (_name, { bytes, encoding }) => {
      const sniffed = sniffCharset(bytes, undefined);
      // The cases expect a browser's default, windows-1252, where nothing is declared; sitecrawl's default is UTF-8.
      expect(sniffed.source === 'default' ? 'windows-1252' : sniffed.charset).toBe(encoding);
    },
  );

  test.each([...NEEDS_CHANGING_THE_ENCODING_WHILE_PARSING])('%s is skipped: its <meta> starts past the first 1024 bytes', (name) => {
    const testCase = CASES.find((candidate) => candidate.name === name);
    expect(testCase).toBeDefined();
    expect(firstMeta(testCase!.bytes)).toBeGreaterThanOrEqual(PRESCAN_BYTES);
    expect(sniffCharset(testCase!.bytes, undefined)).toEqual({ charset: 'utf-8', source: 'default' });
  });
});

const ascii = (text: string) => Uint8Array.from(Buffer.from(text, 'latin1'));

describe('prescanCharset', () => {
  test.each<[string, string, string | null]>([
    ['a <meta charset> inside a comment is not read', '<!-- <meta charset="windows-1251"> --><p>x</p>', null],
    ['a <meta charset> after a comment that hides another', '<!--<meta charset="koi8-r">--><meta charset="windows-1251">', 'windows-1251'],
    ['a comment closed by its own hyphens', '<!--><meta charset="koi8-r">', 'koi8-r'],
    ['a description mentioning charset= declares nothing', '<meta name="description" content="How to set charset=koi8-r">', null],
    ['a content charset without http-equiv declares nothing', '<meta content="text/html; charset=koi8-r">', null],
    ['a content charset with http-equiv="Content-Type"', '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">', 'koi8-r'],
    ['http-equiv in any case, unquoted', '<META HTTP-EQUIV=CONTENT-TYPE CONTENT="text/html;charset=KOI8-R">', 'koi8-r'],
    ['a charset label in single quotes inside content', `<meta http-equiv="content-type" content="text/html; charset='koi8-r'">`, 'koi8-r'],
    ['content that ends at "charset"', '<meta http-equiv="content-type" content="text/html; charset">', null],
    ['content that ends at "charset="', '<meta http-equiv="content-type" content="text/html; charset=">', null],
    ['a repeated attribute: the first counts', '<meta charset="koi8-r" charset="windows-1251">', 'koi8-r'],
    ['a charset attribute beats an earlier content', '<meta http-equiv="content-type" content="text/html; charset=koi8-r" charset="windows-1251">', 'windows-1251'],
    ['an unknown charset label blocks a later content', '<meta charset="bogus" http-equiv="content-type" content="text/html; charset=koi8-r">', null],
    ['an unknown label is passed over for a later meta', '<meta charset="bogus"><meta charset="koi8-r">', 'koi8-r'],
    ['a slash after meta', '<meta/charset="koi8-r">', 'koi8-r'],
    ['no space after meta: another tag', '<metacharset="koi8-r">', null],
    ['a meta inside another tag is not read', '<p title="<meta charset=koi8-r>">', null],
    ['an end tag named meta is not read', '</meta charset="koi8-r">', null],
    ['a processing instruction hides what comes before its first ">"', '<?php echo "<meta charset=koi8-r>"; ?>', null],
    ['a processing instruction ends at its first ">"', '<?php if ($a > 1) echo 1; ?><meta charset="koi8-r">', 'koi8-r'],
    ['utf-16 declared by meta means utf-8', '<meta charset="utf-16be">', 'utf-8'],
    ['x-user-defined declared by meta means windows-1252', '<meta charset="x-user-defined">', 'windows-1252'],
    ['a replacement label', '<meta charset="iso-2022-kr">', 'replacement'],
    ['an XML declaration, with no meta', '<?xml version="1.0" encoding="windows-1251"?><html>', 'windows-1251'],
    ['an XML declaration in single quotes', "<?xml version='1.0' encoding = 'koi8-r'?>", 'koi8-r'],
    ['a meta beats an XML declaration', '<?xml version="1.0" encoding="windows-1251"?><meta charset="koi8-r">', 'koi8-r'],
    ['an XML declaration not at the start', ' <?xml version="1.0" encoding="windows-1251"?>', null],
    ['an XML declaration naming utf-16', '<?xml version="1.0" encoding="UTF-16"?>', 'utf-8'],
    ['an XML declaration with a space in its label', '<?xml version="1.0" encoding="koi8 r"?>', null],
  ])('%s', (_name, html, expected) => {
    expect(prescanCharset(ascii(html))).toBe(expected);
  });

  test.each<[string, number[], string]>([
    ['a UTF-16LE XML declaration', [0x3c, 0, 0x3f, 0, 0x78, 0, 0x6d, 0], 'utf-16le'],
    ['a UTF-16BE XML declaration', [0, 0x3c, 0, 0x3f, 0, 0x78, 0, 0x6d], 'utf-16be'],
  ])('reads %s', (_name, bytes, expected) => {
    expect(prescanCharset(Uint8Array.from(bytes))).toBe(expected);
  });

  test('a meta cut off by the 1024-byte end condition declares nothing', () => {
    expect(prescanCharset(ascii(`${' '.repeat(1010)}<meta charset="koi8-r">`))).toBeNull();
    expect(prescanCharset(ascii(`${' '.repeat(1001)}<meta charset="koi8-r">`))).toBe('koi8-r');
  });

  test('an unclosed comment hides the rest of the first 1024 bytes', () => {
    expect(prescanCharset(ascii('<!-- <p>unclosed <meta charset="koi8-r">'))).toBeNull();
  });

  test('reads bytes at a subarray view offset, and no further than 1024 bytes from it', () => {
    const page = ascii(`<meta charset="koi8-r">${' '.repeat(2000)}<meta charset="windows-1251">`);
    expect(prescanCharset(page.subarray(23))).toBeNull();
    expect(prescanCharset(page.subarray(23 + 1500))).toBe('windows-1251');
  });
});

describe('encodingFromMetaContent', () => {
  test.each<[string, string | null]>([
    ['text/html; charset=koi8-r', 'koi8-r'],
    ['text/html;charset = "koi8-r" ', 'koi8-r'],
    ['text/html; CHARSET=Shift_JIS; foo=bar', 'shift_jis'],
    ['charsetcharset=koi8-r', 'koi8-r'],
    ['text/html; charset="koi8-r', null],
    ['text/html; charset=', null],
    ['text/html; charset', null],
    ['text/html', null],
    ['text/html; charset=bogus', null],
  ])('%j gives %j', (content, expected) => {
    expect(encodingFromMetaContent(content)).toBe(expected);
  });
});
