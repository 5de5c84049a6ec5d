import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetWriter } from '../storage/dataset.js';
import { CsvWriter } from '../storage/csv.js';
import { JsonlWriter } from '../storage/jsonl.js';
import { OptionsError, OutputError } from '../errors.js';
import type { OutputFormat } from './options.js';
import { PAGE_COLUMNS } from './page-record.js';
import type { PageRecord } from './page-record.js';

type AnyRecord = Record<string, unknown>;

/** Opens a dataset file of the given format. Throws the fs error. */
function openFile<R extends object>(path: string, format: OutputFormat, columns?: readonly string[]): DatasetWriter<R> {
  return format === 'csv' ? new CsvWriter<R>(path, columns) : new JsonlWriter<R>(path);
}

/**
 * The run's datasets: pages and records, each going to the writers given in options and to files in `outDir`. The
 * records file is created on the first record, so a crawl without extractors leaves no empty file.
 */
export class Outputs {
  readonly #pages: DatasetWriter<PageRecord>[] = [];
  readonly #records: DatasetWriter<AnyRecord>[] = [];
  readonly #recordsPath: string | undefined;
  readonly #format: OutputFormat;
  #recordsFileOpened = false;

  /** @throws OptionsError when `outDir` cannot be created or written. */
  constructor(options: { outDir: string | undefined; format: OutputFormat; pages?: DatasetWriter<PageRecord> | undefined; records?: DatasetWriter<AnyRecord> | undefined }) {
    this.#format = options.format;
    if (options.pages) this.#pages.push(options.pages);
    if (options.records) this.#records.push(options.records);
    if (options.outDir !== undefined) {
      try {
        mkdirSync(options.outDir, { recursive: true });
        this.#pages.push(openFile<PageRecord>(join(options.outDir, `pages.${options.format}`), options.format, PAGE_COLUMNS));
      } catch (error) {
        throw new OptionsError('outDir', `Cannot write to output directory ${options.outDir}: ${(error as Error).message}`);
      }
      this.#recordsPath = join(options.outDir, `records.${options.format}`);
    }
  }

  /** Writes one page record everywhere. @throws OutputError */
  async writePage(record: PageRecord): Promise<void> {
    for (const writer of this.#pages) await this.#write(writer, record);
  }

  /** Writes one parse() record everywhere. @throws OutputError */
  async writeRecord(record: AnyRecord): Promise<void> {
    if (this.#recordsPath !== undefined && !this.#recordsFileOpened) {
      this.#recordsFileOpened = true;
      try {
        this.#records.push(openFile<AnyRecord>(this.#recordsPath, this.#format));
      } catch (error) {
        throw new OutputError(`Cannot open ${this.#recordsPath}: ${(error as Error).message}`, { cause: error });
      }
    }
    for (const writer of this.#records) await this.#write(writer, record);
  }

  /** Closes every writer, even when some fail; rejects with the first failure. */
  async close(): Promise<void> {
    let first: unknown;
    for (const writer of [...this.#pages, ...this.#records]) {
      try {
        await writer.close();
      } catch (error) {
        first ??= error;
      }
    }
    if (first !== undefined) throw new OutputError(`Closing an output failed: ${(first as Error).message}`, { cause: first });
  }

  async #write<R extends object>(writer: DatasetWriter<R>, record: R): Promise<void> {
    try {
      await writer.write(record);
    } catch (error) {
      throw new OutputError(`Writing a record failed: ${(error as Error).message}`, { cause: error });
    }
  }
}
