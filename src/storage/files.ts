import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

const PART = /^\..+\.[0-9a-f]{12}\.part$/;

/**
 * A blob store rooted at a directory (the crawl's output directory): files are addressed by paths relative to the
 * root, written atomically, and can never land outside the root.
 *
 * Atomic means: the bytes go to a temporary file in the same directory (`.<name>.<random>.part`, opened exclusively),
 * are flushed to disk, and the temporary file is then renamed over the final name (rename is atomic within one file
 * system). A run killed at any point leaves either the complete file or no file under the final name; leftover
 * `.part` files are removed by {@link FileStore.removeStaleParts}.
 */
export class FileStore {
  /** The absolute root directory. */
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /**
   * The absolute path of `name`, a relative path with `/` separators.
   * @throws RangeError when `name` is empty, absolute, or leads outside the root (`../x`).
   */
  pathOf(name: string): string {
    const path = resolve(this.root, name);
    const inside = relative(this.root, path);
    if (name === '' || isAbsolute(name) || inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside))
      throw new RangeError(`File name must be a relative path inside ${this.root}, got ${JSON.stringify(name)}`);
    return path;
  }

  /** Whether a file exists under `name`. */
  async has(name: string): Promise<boolean> {
    try {
      await access(this.pathOf(name), constants.F_OK);
      return true;
    } catch {
      return false;
    }
  }

  /** The text of `name`, or `undefined` when there is no such file. Throws other fs errors. */
  async readText(name: string): Promise<string | undefined> {
    try {
      return await readFile(this.pathOf(name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /**
   * Writes `data` to `name` atomically, creating directories as needed. With `overwrite: false` an existing file is
   * kept and `false` returned. Resolves `true` once the file is in place under its final name.
   * @throws the fs error (ENOSPC, EACCES, ...) after removing the temporary file; RangeError for a bad name.
   */
  async write(name: string, data: Uint8Array | string, options: { overwrite?: boolean } = {}): Promise<boolean> {
    const path = this.pathOf(name);
    if (options.overwrite === false && (await this.has(name))) return false;
    await mkdir(dirname(path), { recursive: true });
    const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
    try {
      const handle = await open(temporary, 'wx');
      try {
        await handle.writeFile(data);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await rename(temporary, path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    return true;
  }

  /** Removes the temporary `.part` files a killed run left under `dir` (relative to the root), recursively; returns how many. */
  async removeStaleParts(dir = '.'): Promise<number> {
    let removed = 0;
    let entries;
    try {
      entries = await readdir(resolve(this.root, dir), { withFileTypes: true });
    } catch {
      return 0;
    }
    for (const entry of entries) {
      const name = join(dir, entry.name);
      if (entry.isDirectory()) removed += await this.removeStaleParts(name);
      else if (entry.isFile() && PART.test(entry.name)) {
        await unlink(resolve(this.root, name)).catch(() => undefined);
        removed++;
      }
    }
    return removed;
  }
}
