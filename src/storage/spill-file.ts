import { open, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

const NEWLINE = 0x0a;

/**
 * An append-only file of text lines, read back from the front in chunks: the disk half of one frontier level. Appends
 * are buffered and written `flushBytes` at a time; reads take whole lines (a newline byte never occurs inside a UTF-8
 * sequence, so a chunk cut at one decodes cleanly). Not safe for concurrent calls: its owner serializes them.
 *
 * The file's name is removed as soon as it is open, where the system allows it (POSIX): the data lives on through the
 * open handle and goes when the process does, however it ends, so a killed crawl leaves no spilled URLs behind.
 */
export class SpillFile {
  readonly path: string;
  readonly #handle: FileHandle;
  readonly #flushBytes: number;
  #buffer: Buffer;
  #pending: string[] = [];
  #pendingBytes = 0;
  #written = 0;
  #readOffset = 0;

  /** The name is still on disk (it could not be removed while open: Windows). */
  readonly #named: boolean;

  private constructor(path: string, handle: FileHandle, named: boolean, chunkBytes: number, flushBytes: number) {
    this.path = path;
    this.#handle = handle;
    this.#named = named;
    this.#buffer = Buffer.allocUnsafe(chunkBytes);
    this.#flushBytes = flushBytes;
  }

  /** Creates (or truncates) the file at `path`. `chunkBytes` is the read size, `flushBytes` the write size. */
  static async create(path: string, chunkBytes: number, flushBytes: number): Promise<SpillFile> {
    const handle = await open(path, 'w+');
    const named = await unlink(path).then(
      () => false,
      () => true,
    );
    return new SpillFile(path, handle, named, chunkBytes, flushBytes);
  }

  /** Whether every appended line has been read back. */
  get isDrained(): boolean {
    return this.#readOffset === this.#written && this.#pendingBytes === 0;
  }

  /** Appends `text` (one or more lines, each ending in `\n`). */
  async append(text: string): Promise<void> {
    this.#pending.push(text);
    this.#pendingBytes += Buffer.byteLength(text);
    if (this.#pendingBytes >= this.#flushBytes) await this.#flush();
  }

  /** The next whole lines, about one chunk of them, without their final `\n`; `[]` once drained. */
  async readLines(): Promise<string[]> {
    if (this.#readOffset === this.#written) await this.#flush();
    const available = this.#written - this.#readOffset;
    if (available === 0) return [];
    for (;;) {
      const length = Math.min(this.#buffer.length, available);
      const { bytesRead } = await this.#handle.read(this.#buffer, 0, length, this.#readOffset);
      const end = this.#buffer.lastIndexOf(NEWLINE, bytesRead - 1);
      if (end >= 0) {
        this.#readOffset += end + 1;
        return this.#buffer.toString('utf8', 0, end).split('\n');
      }
      // One line longer than the buffer: grow it and read again.
      this.#buffer = Buffer.allocUnsafe(this.#buffer.length * 2);
    }
  }

  /** Closes and deletes the file. */
  async remove(): Promise<void> {
    await this.#handle.close();
    if (this.#named) await unlink(this.path);
  }

  async #flush(): Promise<void> {
    if (this.#pendingBytes === 0) return;
    const data = Buffer.from(this.#pending.join(''));
    this.#pending = [];
    this.#pendingBytes = 0;
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await this.#handle.write(data, offset, data.length - offset, this.#written);
      offset += bytesWritten;
      this.#written += bytesWritten;
    }
  }
}
