/**
 * Where records go. The crawl calls `write` once per record, in the order they are produced, from its main loop, and
 * `close` once at the end (also after an abort or a failure). A writer that throws stops the crawl: `run()` rejects.
 */
export interface DatasetWriter<R extends object = Record<string, unknown>> {
  /** Stores one record. Should persist it promptly, so a crash keeps what was written. */
  write(record: R): void | Promise<void>;
  /** Flushes and releases the writer. Called once. */
  close(): void | Promise<void>;
}

/** Keeps records in an array: for tests, small crawls and code that wants the data at hand. */
export class MemoryDataset<R extends object = Record<string, unknown>> implements DatasetWriter<R> {
  /** Every record written so far, in order. */
  readonly items: R[] = [];
  /** Whether `close()` was called. */
  closed = false;

  write(record: R): void {
    this.items.push(record);
  }

  close(): void {
    this.closed = true;
  }
}
