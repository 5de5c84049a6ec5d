import { closeSync, openSync, readSync, statSync } from 'node:fs';

const MAGIC = 'SQLite format 3\0';
const HEADER_BYTES = 100;

/**
 * Why the first bytes of a file cannot be a whole SQLite database, or `undefined` when they can. A pure rule on the
 * 100-byte header (https://www.sqlite.org/fileformat.html#the_database_header) and the file's size: the magic string,
 * a power-of-two page size, and, when the in-header page count is valid, a file at least that long. The last one
 * matters: SQLite reads missing pages of a truncated file as zeros and may answer queries from what is left.
 */
export function inspectStateHeader(header: Uint8Array, fileSize: number): string | undefined {
  if (header.length < HEADER_BYTES || fileSize < HEADER_BYTES) return `the file is ${fileSize} bytes, shorter than a database header`;
  if (Buffer.from(header.subarray(0, 16)).toString('latin1') !== MAGIC) return 'the file is not a SQLite database';
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return `the header's page size ${rawPageSize} is invalid`;
  // Offsets 24 (change counter) and 92 (version-valid-for): the page count at 28 is trusted only when they match.
  const pageCount = view.getUint32(28);
  if (view.getUint32(24) === view.getUint32(92) && pageCount * pageSize > fileSize)
    return `the header counts ${pageCount} pages of ${pageSize} bytes but the file has ${fileSize} bytes (truncated)`;
  return undefined;
}

/**
 * Checks an existing state file before SQLite opens it, so a damaged file is reported rather than reused.
 * A missing or empty file is fine (a process killed while SQLite was creating it leaves an empty one).
 * @returns why the file is unusable, or `undefined`.
 */
export function checkStateFile(path: string): string | undefined {
  const size = statSync(path, { throwIfNoEntry: false })?.size;
  if (size === undefined) return undefined;
  // Nothing was committed to an empty file: SQLite writes the header (page 1) before the first commit.
  if (size === 0) return undefined;
  const header = Buffer.alloc(HEADER_BYTES);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  return inspectStateHeader(header, size);
}
