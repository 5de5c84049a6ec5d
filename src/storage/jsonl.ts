import type { DatasetWriter } from './dataset.js';
import { FileSink } from './file-sink.js';

/** Writes one JSON object per line (JSON Lines), each line written through to the file as it is produced. */
export class JsonlWriter<R extends object = Record<string, unknown>> implements DatasetWriter<R> {
  readonly #sink: FileSink;

  /** Creates or empties `path`. Throws the fs error when it cannot be opened. */
  constructor(readonly path: string) {
    this.#sink = new FileSink(path);
  }

  write(record: R): void {
    this.#sink.append(`${JSON.stringify(record)}\n`);
  }

  close(): void {
    this.#sink.close();
  }
}
