import { closeSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { DatasetWriter } from './dataset.js';
import { FileSink } from './file-sink.js';

// OWASP "CSV Injection": a spreadsheet runs a cell that starts with = + - @ (or a tab or CR) as a formula, and Excel
// and Numbers also take the fullwidth forms U+FF1D U+FF0B U+FF0D U+FF20 (the set csv-stringify's escape_formulas uses).
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * One CSV field (RFC 4180), the one escaper behind every CSV sitecrawl writes (pages.csv, records.csv, audit.csv):
 * `null`/`undefined` empty; objects and arrays as JSON; a string a spreadsheet would run as a formula (it starts with
 * `=`, `+`, `-`, `@`, a tab, a CR or a fullwidth `＝＋－＠`) prefixed with `'`, which spreadsheets show as text;
 * then quoted when it holds a comma, quote, CR or LF. Only strings are prefixed: a number (`-1` in a `depth` or
 * `status` column) stays a number, while a string is text from a page or an extractor, so a title `-1` becomes
 * `'-1`, as csv-stringify's `escape_formulas` does. Pure.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Writes records as CSV with a header row. Columns are given (keys outside them are left out), or taken from the
 * records: the first record's keys, then each key that first appears later as a new column at the end. Rows are
 * written as records come; when columns were added, `close()` rewrites the header line (through a temporary file and a
 * rename, so the file is never half-written) and rows written before a column appeared end early, which CSV readers
 * take as empty fields. No value is lost.
 */
export class CsvWriter<R extends object = Record<string, unknown>> implements DatasetWriter<R> {
  readonly #sink: FileSink;
  readonly #columns: string[] = [];
  readonly #known = new Set<string>();
  /** Columns come from the records (none were given). */
  readonly #growable: boolean;
  /** The header as written, to find where the rows start when it is rewritten. */
  #header: Buffer | undefined;
  #closed = false;

  /** Creates or empties `path`. Throws the fs error when it cannot be opened. */
  constructor(
    readonly path: string,
    columns?: readonly string[],
  ) {
    this.#sink = new FileSink(path);
    this.#growable = columns === undefined;
    if (columns) {
      this.#addColumns(columns);
      this.#writeHeader();
    }
  }

  write(record: R): void {
    const values = record as Record<string, unknown>;
    if (this.#growable) this.#addColumns(Object.keys(values));
    if (!this.#header) this.#writeHeader();
    this.#sink.append(`${this.#columns.map((column) => csvField(values[column])).join(',')}\r\n`);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sink.close();
    const header = this.#header;
    if (header && this.#headerLine() !== header.toString('utf8')) rewriteHeader(this.path, header.byteLength, this.#headerLine());
  }

  #addColumns(keys: readonly string[]): void {
    for (const key of keys) {
      if (this.#known.has(key)) continue;
      this.#known.add(key);
      this.#columns.push(key);
    }
  }

  #headerLine(): string {
    return `${this.#columns.map(csvField).join(',')}\r\n`;
  }

  #writeHeader(): void {
    const line = this.#headerLine();
    this.#header = Buffer.from(line, 'utf8');
    this.#sink.append(line);
  }
}

/** Replaces the first `oldHeaderBytes` bytes of the file at `path` by `header`, atomically (temporary file, rename). */
function rewriteHeader(path: string, oldHeaderBytes: number, header: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const source = openSync(path, 'r');
  try {
    copyWithHeader(source, temporary, oldHeaderBytes, header);
  } catch (error) {
    // A full disk fails the copy: the file keeps its first header and every row, and no temporary file stays.
    rmSync(temporary, { force: true });
    throw error;
  } finally {
    closeSync(source);
  }
  renameSync(temporary, path);
}

/** Writes `header` and then the rows of `source` (from `oldHeaderBytes` on) to a new file at `temporary`. */
function copyWithHeader(source: number, temporary: string, oldHeaderBytes: number, header: string): void {
  const target = openSync(temporary, 'w');
  try {
    writeAll(target, Buffer.from(header, 'utf8'));
    const chunk = Buffer.allocUnsafe(1 << 20);
    let position = oldHeaderBytes;
    for (let read = readSync(source, chunk, 0, chunk.byteLength, position); read > 0; read = readSync(source, chunk, 0, chunk.byteLength, position)) {
      writeAll(target, chunk.subarray(0, read));
      position += read;
    }
  } finally {
    closeSync(target);
  }
}

function writeAll(fd: number, buffer: Buffer): void {
  let offset = 0;
  while (offset < buffer.byteLength) offset += writeSync(fd, buffer, offset);
}
