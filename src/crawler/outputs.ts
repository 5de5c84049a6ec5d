import { rm, stat, truncate } from 'node:fs/promises';
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

/** Where the files in `outDir` end, in bytes: stored with each commit of a persisted run, cut back to on resume. */
export interface OutputOffsets {
  pages: number;
  records: number;
}

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
  /** The files this run writes in `outDir` (JSON Lines), whose sizes are the offsets. */
  #pagesFile: JsonlWriter<PageRecord> | undefined;
  #recordsFile: JsonlWriter<AnyRecord> | undefined;
  /** Set when resuming: the files are kept, cut back to these offsets, and appended to. */
  #resumeAt: OutputOffsets | undefined;
  /** The writers of the files in `outDir` (synchronous), as opposed to those passed in options. */
  readonly #files = new Set<DatasetWriter<never>>();

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
  async open(resumeAt?: OutputOffsets): Promise<void> {
    const outDir = this.#outDir;
    if (outDir === undefined) return;
    try {
      await prepareOutputDir(outDir);
      if (resumeAt) return await this.#reopen(outDir, resumeAt);
      for (const name of ['pages.jsonl', 'pages.csv', 'records.jsonl', 'records.csv']) await rm(join(outDir, name), { force: true });
      const pages = openFile<PageRecord>(join(outDir, `pages.${this.#format}`), this.#format, PAGE_COLUMNS);
      if (pages instanceof JsonlWriter) this.#pagesFile = pages;
      this.#files.add(pages);
      this.#pages.push(pages);
    } catch (error) {
      if (error instanceof OutputError) throw error;
      throw new OptionsError('outDir', `Cannot write to output directory ${outDir}: ${(error as Error).message}`);
    }
  }

  // A resumed run keeps what the last commit covered and cuts the rest: the lines of pages not committed as done
  // (fetched again now) and a partial last line left by a kill.
  async #reopen(outDir: string, resumeAt: OutputOffsets): Promise<void> {
    this.#resumeAt = resumeAt;
    const pagesPath = join(outDir, 'pages.jsonl');
    await cutTo(pagesPath, resumeAt.pages);
    this.#pagesFile = new JsonlWriter<PageRecord>(pagesPath, { append: true });
    this.#files.add(this.#pagesFile);
    this.#pages.push(this.#pagesFile);
    if (this.#recordsPath !== undefined) await cutTo(this.#recordsPath, resumeAt.records);
  }

  /**
   * Writes one page's parse() records, then its page record, everywhere. The files are written first, one synchronous
   * append after another, so no other page's lines come between and the files' sizes always end at a whole page.
   * @throws OutputError
   */
  async writePage(record: PageRecord, records: readonly AnyRecord[] = []): Promise<void> {
    if (records.length > 0) this.#openRecordsFile();
    for (const writer of this.#records) if (this.#files.has(writer)) for (const item of records) this.#writeFile(writer, item);
    for (const writer of this.#pages) if (this.#files.has(writer)) this.#writeFile(writer, record);
    for (const writer of this.#records) if (!this.#files.has(writer)) for (const item of records) await this.#write(writer, item);
    for (const writer of this.#pages) if (!this.#files.has(writer)) await this.#write(writer, record);
  }

  /** Writes one parse() record everywhere. @throws OutputError */
  async writeRecord(record: AnyRecord): Promise<void> {
    this.#openRecordsFile();
    for (const writer of this.#records) await this.#write(writer, record);
  }

  /** The sizes of the pages and records files; zeros without `outDir`. */
  offsets(): OutputOffsets {
    return { pages: this.#pagesFile?.bytes ?? 0, records: this.#recordsFile?.bytes ?? this.#resumeAt?.records ?? 0 };
  }

  #openRecordsFile(): void {
    if (this.#recordsPath === undefined || this.#recordsFileOpened) return;
    this.#recordsFileOpened = true;
    try {
      const writer = this.#resumeAt ? new JsonlWriter<AnyRecord>(this.#recordsPath, { append: true }) : openFile<AnyRecord>(this.#recordsPath, this.#format);
      if (writer instanceof JsonlWriter) this.#recordsFile = writer;
      this.#files.add(writer);
      this.#records.push(writer);
    } catch (error) {
      throw new OutputError(`Cannot open ${this.#recordsPath}: ${(error as Error).message}`, { cause: error });
    }
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

  // The files' writers are synchronous: the line is in the file when this returns.
  #writeFile<R extends object>(writer: DatasetWriter<R>, record: R): void {
    try {
      void writer.write(record);
    } catch (error) {
      throw new OutputError(`Writing a record failed: ${(error as Error).message}`, { cause: error });
    }
  }
}

/**
 * Cuts the file at `path` back to `size` bytes (a missing file is fine when nothing was committed to it).
 * @throws OutputError when the file is shorter than the state says: it is not the file the state was written with.
 */
async function cutTo(path: string, size: number): Promise<void> {
  const actual = await stat(path).then((stats) => stats.size, (error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return 0;
    throw error;
  });
  if (actual < size) throw new OutputError(`Cannot resume: ${path} has ${actual} bytes, but the crawl state recorded ${size}; it was changed since. Start afresh.`);
  if (actual > size) await truncate(path, size);
}
