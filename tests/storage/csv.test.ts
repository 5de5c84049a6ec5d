import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from '../helpers/fixtures.js';
import { CsvWriter, csvField } from '../../src/storage/csv.js';
import { JsonlWriter } from '../../src/storage/jsonl.js';

describe('csvField', () => {
  test.each<[string, unknown, string]>([
    ['a plain string as is', 'hello', 'hello'],
    ['an empty string as empty', '', ''],
    ['null as empty', null, ''],
    ['undefined as empty', undefined, ''],
    ['a number as digits', 42, '42'],
    ['zero as 0', 0, '0'],
    ['a fraction as written', 1.5, '1.5'],
    ['true as true', true, 'true'],
    ['false as false', false, 'false'],
    ['a comma quoted', 'a,b', '"a,b"'],
    ['a quote doubled and quoted', 'say "hi"', '"say ""hi"""'],
    ['a lone quote doubled and quoted', '"', '""""'],
    ['a newline quoted', 'a\nb', '"a\nb"'],
    ['a carriage return quoted', 'a\rb', '"a\rb"'],
    ['surrounding spaces kept unquoted', '  a  ', '  a  '],
    ['a semicolon and a tab unquoted', 'a;b\tc', 'a;b\tc'],
    ['non-ASCII as is', 'Привет', 'Привет'],
    ['an object as quoted JSON', { code: 'timeout', message: 'slow' }, '"{""code"":""timeout"",""message"":""slow""}"'],
    ['an array as quoted JSON', ['a', 'b'], '"[""a"",""b""]"'],
    ['an empty array as JSON', [], '[]'],
  ])('writes %s', (_name, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  // OWASP CSV Injection: text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers.
  test.each<[string, unknown, string]>([
    ['=HYPERLINK with its quotes doubled', '=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['a leading +', '+1', "'+1"],
    ['a leading - with a formula after it', '-2+3', "'-2+3"],
    ['a leading @', '@SUM(1)', "'@SUM(1)"],
    ['a leading tab', '\t=1', "'\t=1"],
    ['a leading CR, quoted for the CR', '\r=1', `"'\r=1"`],
    ['a fullwidth =', '\uFF1D1+1', "'\uFF1D1+1"],
    ['a fullwidth +', '\uFF0B1', "'\uFF0B1"],
    ['a fullwidth -', '\uFF0D1', "'\uFF0D1"],
    ['a fullwidth @', '\uFF20SUM(1)', "'\uFF20SUM(1)"],
    ['a string -1 (text from a page)', '-1', "'-1"],
    ['a quote after the prefix', '=A1&"x"', `"'=A1&""x"""`],
    ['a comma after the prefix', '=SUM(1,2)', `"'=SUM(1,2)"`],
  ])('prefixes %s with an apostrophe', (_name, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  test.each<[string, unknown, string]>([
    ['a negative number', -1, '-1'],
    ['a negative fraction', -0.5, '-0.5'],
    ['negative infinity', -Infinity, '-Infinity'],
    ['a negative bigint', -12n, '-12'],
    ['an = inside the text', 'a=b', 'a=b'],
    ['a URL with = and + in its query', 'http://e.com/?a=1+2', 'http://e.com/?a=1+2'],
    ['a leading space before =', ' =1', ' =1'],
    ['an object whose first value starts with =', { title: '=1' }, '"{""title"":""=1""}"'],
  ])('leaves %s as is', (_name, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe('CsvWriter', () => {
  test('takes columns from the first record and writes CRLF rows', async ({ tmp }) => {
    const path = join(tmp, 'out.csv');
    const writer = new CsvWriter(path);
    writer.write({ url: 'http://e.com/', status: 200, title: 'Home, sweet "home"' });
    writer.write({ url: 'http://e.com/a', status: null, title: 'A' });
    writer.close();
    expect(await readFile(path, 'utf8')).toBe(
      'url,status,title\r\nhttp://e.com/,200,"Home, sweet ""home"""\r\nhttp://e.com/a,,A\r\n',
    );
  });

  test('adds keys that first appear later as columns at the end, and blanks missing ones', async ({ tmp }) => {
    const path = join(tmp, 'out.csv');
    const writer = new CsvWriter<Record<string, unknown>>(path);
    writer.write({ a: 1, b: 2 });
    writer.write({ b: 3, c: 4 });
    writer.write({ d: 'x,y', a: 5 });
    // Rows reach the file as they come, under the header known then.
    expect(await readFile(path, 'utf8')).toBe('a,b\r\n1,2\r\n,3,4\r\n5,,,"x,y"\r\n');
    writer.close();
    // Close rewrites the header; earlier rows end early, which CSV readers take as empty fields.
    expect(await readFile(path, 'utf8')).toBe('a,b,c,d\r\n1,2\r\n,3,4\r\n5,,,"x,y"\r\n');
    expect(await readdir(tmp)).toEqual(['out.csv']); // the temporary file was renamed over it
    writer.close(); // a second close changes nothing
    expect(await readFile(path, 'utf8')).toBe('a,b,c,d\r\n1,2\r\n,3,4\r\n5,,,"x,y"\r\n');
  });

  test('rewrites the header of a file larger than its copy buffer without losing a byte', async ({ tmp }) => {
    const path = join(tmp, 'big.csv');
    const writer = new CsvWriter<Record<string, unknown>>(path);
    const text = 'é'.repeat(3_000);
    for (let index = 0; index < 500; index++) writer.write({ index, text });
    writer.write({ index: 500, late: 'yes' });
    writer.close();
    const lines = (await readFile(path, 'utf8')).split('\r\n');
    expect(lines[0]).toBe('index,text,late');
    expect(lines).toHaveLength(503);
    expect(lines[500]).toBe(`499,${text}`);
    expect(lines[501]).toBe('500,,yes');
  });

  test('uses given columns in their order and writes the header at once', async ({ tmp }) => {
    const path = join(tmp, 'out.csv');
    const writer = new CsvWriter<Record<string, unknown>>(path, ['title', 'url', 'error']);
    expect(await readFile(path, 'utf8')).toBe('title,url,error\r\n');
    writer.write({ url: 'http://e.com/', title: 'T', extra: 'dropped', error: { code: 'http-404' } });
    writer.close();
    expect(await readFile(path, 'utf8')).toBe('title,url,error\r\nT,http://e.com/,"{""code"":""http-404""}"\r\n');
  });

  test('prefixes formula text in rows and in taken columns, and keeps numbers as numbers', async ({ tmp }) => {
    const path = join(tmp, 'out.csv');
    const writer = new CsvWriter<Record<string, unknown>>(path);
    writer.write({ title: '@SUM(1)', depth: -1, '=key': 'x' });
    writer.close();
    expect(await readFile(path, 'utf8')).toBe("title,depth,'=key\r\n'@SUM(1),-1,x\r\n");
  });

  test('writes an empty file when no record and no columns came', async ({ tmp }) => {
    const path = join(tmp, 'out.csv');
    new CsvWriter(path).close();
    expect(await readFile(path, 'utf8')).toBe('');
  });

  test('empties an existing file', async ({ tmp }) => {
    const path = join(tmp, 'out.csv');
    const first = new CsvWriter(path);
    first.write({ a: 'old' });
    first.close();
    const second = new CsvWriter(path);
    second.write({ b: 'new' });
    second.close();
    expect(await readFile(path, 'utf8')).toBe('b\r\nnew\r\n');
  });

  test('each row reaches the file before close', async ({ tmp }) => {
    const path = join(tmp, 'out.csv');
    const writer = new CsvWriter(path);
    writer.write({ a: 1 });
    expect(await readFile(path, 'utf8')).toBe('a\r\n1\r\n');
    writer.close();
  });

  test('throws the fs error when the directory does not exist', ({ tmp }) => {
    expect(() => new CsvWriter(join(tmp, 'missing', 'out.csv'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  test('close twice is safe', ({ tmp }) => {
    const writer = new CsvWriter(join(tmp, 'out.csv'));
    writer.close();
    expect(() => writer.close()).not.toThrow();
  });
});

describe('JsonlWriter', () => {
  test('writes one JSON object per line that reads back equal', async ({ tmp }) => {
    const path = join(tmp, 'out.jsonl');
    const records = [
      { url: 'http://e.com/', status: 200, title: 'Line\nbreak, "quoted"', error: null },
      { url: 'http://e.com/a', status: null, nested: { code: 'timeout' }, list: [1, 2] },
      { text: 'Привет こんにちは' },
    ];
    const writer = new JsonlWriter(path);
    for (const record of records) writer.write(record);
    writer.close();
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(records);
  });

  test('writes an empty file when no record came', async ({ tmp }) => {
    const path = join(tmp, 'out.jsonl');
    new JsonlWriter(path).close();
    expect(await readFile(path, 'utf8')).toBe('');
  });

  test('each line reaches the file before close', async ({ tmp }) => {
    const path = join(tmp, 'out.jsonl');
    const writer = new JsonlWriter(path);
    writer.write({ a: 1 });
    expect(await readFile(path, 'utf8')).toBe('{"a":1}\n');
    writer.close();
  });

  test('writing after close throws', ({ tmp }) => {
    const writer = new JsonlWriter(join(tmp, 'out.jsonl'));
    writer.close();
    expect(() => writer.write({ a: 1 })).toThrow();
  });
});
