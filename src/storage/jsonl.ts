import type { DatasetWriter } from './dataset.js';
import { FileSink } from './file-sink.js';

/** Writes one JSON object per line (JSON Lines), each line written through to the file as it is produced. */
export class JsonlWriter<R extends object = Record<string, unknown>> implements DatasetWriter<R> {
  readonly #sink: FileSink;

  /**
   * Creates or empties `path`, or with `append` keeps it and writes after its end (a resumed run). Throws the fs error
   * when it cannot be opened.
   */
  constructor(
    readonly path: string,
    options: { append?: boolean } = {},
  ) {
    this.#sink = new FileSink(path, options);
  }

  /** The file's size in bytes: every line written so far, whole. */
  get bytes(): number {
    return this.#sink.size;
  }

  write(record: R): void {
    this.#sink.append(`${JSON.stringify(record)}\n`);
  }

  close(): void {
    this.#sink.close();
  }
}
