import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetWriter } from '../storage/dataset.js';
import { CsvWriter } from '../storage/csv.js';
import { JsonlWriter } from '../storage/jsonl.js';
import { prepareOutputDir } from '../storage/output-dir.js';
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
 * records file is created on the first record, so a crawl without extractors leaves no empty file. A run replaces the
 * pages and records files an earlier run left in `outDir` (both formats), so none of them is ever stale.
 */
export class Outputs {
  readonly #pages: DatasetWriter<PageRecord>[] = [];
  readonly #records: DatasetWriter<AnyRecord>[] = [];
  readonly #outDir: string | undefined;
  readonly #recordsPath: string | undefined;
  readonly #format: OutputFormat;
  #recordsFileOpened = false;

  constructor(options: { outDir: string | undefined; format: OutputFormat; pages?: DatasetWriter<PageRecord> | undefined; records?: DatasetWriter<AnyRecord> | undefined }) {
    this.#format = options.format;
    if (options.pages) this.#pages.push(options.pages);
    if (options.records) this.#records.push(options.records);
    this.#outDir = options.outDir;
    if (options.outDir !== undefined) this.#recordsPath = join(options.outDir, `records.${options.format}`);
  }

  /**
   * Creates `outDir` and proves it writable (asynchronously, so a path no file system takes ends with an error rather
   * than a hang), removes an earlier run's pages and records files, and opens the pages file. Called once, before any
   * request.
   * @throws OptionsError when `outDir` cannot be created or written.
   */
  async open(): Promise<void> {
    const outDir = this.#outDir;
    if (outDir === undefined) return;
    try {
      await prepareOutputDir(outDir);
      for (const name of ['pages.jsonl', 'pages.csv', 'records.jsonl', 'records.csv']) await rm(join(outDir, name), { force: true });
      this.#pages.push(openFile<PageRecord>(join(outDir, `pages.${this.#format}`), this.#format, PAGE_COLUMNS));
    } catch (error) {
      throw new OptionsError('outDir', `Cannot write to output directory ${outDir}: ${(error as Error).message}`);
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
