import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * An append-only file written with one synchronous `write` per call: each record reaches the OS before the crawl moves
 * on, so a crash or a kill keeps every line already written (a page costs far more than the syscall). The file is
 * created (or emptied) on open.
 */
export class FileSink {
  #fd: number | undefined;

  /** Opens `path` for writing (emptied, or kept and appended to). Throws the fs error (ENOENT, EACCES, ...) at once. */
  constructor(
    readonly path: string,
    options: { append?: boolean } = {},
  ) {
    this.#fd = openSync(path, options.append ? 'a' : 'w');
  }

  /** Appends text. */
  append(text: string): void {
    if (this.#fd === undefined) throw new Error(`${this.path} is closed`);
    const buffer = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < buffer.byteLength) offset += writeSync(this.#fd, buffer, offset);
  }

  /** Closes the file; safe to call twice. */
  close(): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    closeSync(fd);
  }
}
