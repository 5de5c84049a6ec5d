import type { DatasetWriter } from './dataset.js';
import { FileSink } from './file-sink.js';

/** One CSV field (RFC 4180): objects as JSON, null/undefined empty, quoted when it holds a comma, quote or newline. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Writes records as CSV with a header row. Columns are given, or taken from the first record's keys; keys that first
 * appear later are not added (CSV has one header), so give `columns` when records vary.
 */
export class CsvWriter<R extends object = Record<string, unknown>> implements DatasetWriter<R> {
  readonly #sink: FileSink;
  #columns: readonly string[] | undefined;

  /** Creates or empties `path`. Throws the fs error when it cannot be opened. */
  constructor(
    readonly path: string,
    columns?: readonly string[],
  ) {
    this.#sink = new FileSink(path);
    this.#columns = columns;
    if (columns) this.#sink.append(`${columns.map(csvField).join(',')}\r\n`);
  }

  write(record: R): void {
    const values = record as Record<string, unknown>;
    if (!this.#columns) {
      this.#columns = Object.keys(values);
      this.#sink.append(`${this.#columns.map(csvField).join(',')}\r\n`);
    }
    this.#sink.append(`${this.#columns.map((column) => csvField(values[column])).join(',')}\r\n`);
  }

  close(): void {
    this.#sink.close();
  }
}
