import { describe, expect, test } from 'vitest';
import { inspectStateHeader } from '../../../src/storage/sqlite/state-file-check.js';

/** A 100-byte SQLite header with the given page size field, page count and whether the count is valid. */
function header(pageSizeField: number, pageCount: number, countValid = true, magic = 'SQLite format 3\0'): Uint8Array {
  const bytes = new Uint8Array(100);
  bytes.set(Buffer.from(magic, 'latin1'));
  const view = new DataView(bytes.buffer);
  view.setUint16(16, pageSizeField);
  view.setUint32(24, 7); // change counter
  view.setUint32(28, pageCount);
  view.setUint32(92, countValid ? 7 : 6); // version-valid-for
  return bytes;
}

describe('inspectStateHeader', () => {
  test.each([
    ['a whole file', header(4096, 3), 3 * 4096, undefined],
    ['a file longer than its page count (pages not yet counted)', header(4096, 3), 5 * 4096, undefined],
    ['page size 65536 stored as 1', header(1, 2), 2 * 65536, undefined],
    ['a short file whose page count is stale', header(4096, 9, false), 4096, undefined],
    ['a truncated file', header(4096, 3), 2 * 4096, 'truncated'],
    ['a file shorter than a header', header(4096, 1), 60, 'shorter than a database header'],
    ['another format', header(4096, 1, true, 'PK\u0003\u0004 zip archive\0'), 4096, 'not a SQLite database'],
    ['a page size that is not a power of two', header(1000, 1), 4096, 'page size'],
    ['a page size under 512', header(256, 1), 4096, 'page size'],
  ])('%s', (_name, bytes, size, problem) => {
    const found = inspectStateHeader(bytes, size);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});
