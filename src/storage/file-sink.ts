import { closeSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';

/**
 * An append-only file written with one synchronous `write` per call: each record reaches the OS before the crawl moves
 * on, so a crash or a kill keeps every line already written (a page costs far more than the syscall). The file is
 * created (or emptied) on open.
 *
 * An append is all or nothing: when a write fails part way (ENOSPC, EFBIG, EIO), the file is cut back to where that
 * append began, so a full disk never leaves half a record at the end.
 */
export class FileSink {
  #fd: number | undefined;
  /** The file's size after the last complete append. */
  #size: number;

  /** Opens `path` for writing (emptied, or kept and appended to). Throws the fs error (ENOENT, EACCES, ...) at once. */
  constructor(
    readonly path: string,
    options: { append?: boolean } = {},
  ) {
    this.#fd = openSync(path, options.append ? 'a' : 'w');
    this.#size = options.append ? fstatSync(this.#fd).size : 0;
  }

  /**
   * Appends text, whole or not at all.
   * @throws the fs error of the failed write, after cutting the file back to its size before this call.
   */
  append(text: string): void {
    const fd = this.#fd;
    if (fd === undefined) throw new Error(`${this.path} is closed`);
    const buffer = Buffer.from(text, 'utf8');
    let offset = 0;
    try {
      // Positioned writes: after a cut the next append starts at the new end, not where the failed one stopped.
      while (offset < buffer.byteLength) offset += writeSync(fd, buffer, offset, buffer.byteLength - offset, this.#size + offset);
    } catch (error) {
      // Shrinking frees blocks, so this works on a full disk; if even it fails, the write's error is the one to report.
      try {
        ftruncateSync(fd, this.#size);
      } catch {
        // the write's error is thrown below
      }
      throw error;
    }
    this.#size += buffer.byteLength;
  }

  /** The file's size in bytes after the last complete append. */
  get size(): number {
    return this.#size;
  }

  /** Closes the file; safe to call twice. */
  close(): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    closeSync(fd);
  }
}
