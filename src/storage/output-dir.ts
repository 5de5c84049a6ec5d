import { lstat, mkdir, open, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { OutputDirError } from '../errors.js';

/**
 * The most directory levels created for one output directory. Each level is tried at most twice, so the walk always
 * ends; Node's own `mkdir(path, { recursive: true })` loops forever where a file system answers ENOENT for a directory
 * whose parent exists (procfs), sync or async.
 */
const MAX_LEVELS = 256;

/** Probes made by this process, for unique probe names. */
let probeCount = 0;

const codeOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

async function expectDirectory(path: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    const link = await lstat(path).catch(() => undefined);
    if (link?.isSymbolicLink()) throw new OutputDirError(`${path} is a symbolic link to a missing target`);
    throw new OutputDirError((error as Error).message);
  }
  if (!isDirectory) throw new OutputDirError(`${path} exists and is not a directory`);
}

async function makeDirectory(path: string, levelsLeft: number): Promise<void> {
  try {
    await mkdir(path);
    return;
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return expectDirectory(path);
    const parent = dirname(path);
    if (codeOf(error) !== 'ENOENT' || parent === path || levelsLeft === 0) throw new OutputDirError((error as Error).message);
    await makeDirectory(parent, levelsLeft - 1);
  }
  // The parent exists now. A second ENOENT means the file system takes no new directory here (procfs does that).
  try {
    await mkdir(path);
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return expectDirectory(path);
    const why = codeOf(error) === 'ENOENT' ? ' (the file system does not allow a directory there)' : '';
    throw new OutputDirError(`${(error as Error).message}${why}`);
  }
}

/**
 * Creates `dir` (and its missing parents) if needed and proves it can be written by creating and removing a probe
 * file in it. Every call is asynchronous and bounded, so it ends on any path (procfs, sysfs, a file in the way, a
 * read-only file system, no permission, a dangling symbolic link) and never blocks the main thread or its signals.
 * @returns the absolute path.
 * @throws OutputDirError saying why the directory cannot be used.
 */
export async function prepareOutputDir(dir: string): Promise<string> {
  const path = resolve(dir);
  await makeDirectory(path, MAX_LEVELS);
  // Unique to this process and call; 'wx' refuses a name taken anyway. Not node:crypto, which loads 17 of Node's modules
  // on a crawl's path to its first request (issue 15).
  const probe = join(path, `.sitecrawl-probe-${process.pid}-${(probeCount++).toString(36)}-${Math.random().toString(36).slice(2, 10)}`);
  try {
    await (await open(probe, 'wx')).close();
  } catch (error) {
    throw new OutputDirError(`${path} is not writable: ${(error as Error).message}`);
  }
  await rm(probe, { force: true });
  return path;
}

/** Files every sitecrawl command may write in its output directory (`crawl`, `images`, `audit`). */
export const OUTPUT_FILES: readonly string[] = Object.freeze([
  'pages.jsonl', 'pages.csv', 'records.jsonl', 'records.csv', 'images.jsonl', 'index.html', 'audit.json', 'audit.csv', 'report.html',
  // A persisted crawl's state (`crawl --persist`) and its write-ahead log.
  'state.db', 'state.db-wal',
]);

/** The directory of saved images. */
export const IMAGES_DIR = 'images';
/** The directory of their thumbnails (`<sha256>.webp`, named and sharded as the images are). */
export const THUMBS_DIR = 'thumbs';
const FILE_DIRS: readonly string[] = [IMAGES_DIR, THUMBS_DIR];

// Temporary files on the way to an output: FileStore's `.<name>.<hex>.part`, the CSV header rewrite's
// `<name>.<pid>.tmp` and the audit's `<name>.<pid>.<hex>.tmp`.
const TEMPORARY = [/^\.(.+)\.[0-9a-f]{12}\.part$/, /^(.+)\.\d+(?:\.[0-9a-f]{12})?\.tmp$/];
// What the image saver writes under images/: `<sha256>.<ext>`, in two-hex-digit shards or flat, and `.part` files.
const IMAGE_FILE = /^(?:[0-9a-f]{64}\.[a-z0-9]+|\..+\.[0-9a-f]{12}\.part)$/;
const SHARD = /^[0-9a-f]{2}$/;

/**
 * The output a directory entry belongs to: `name` itself when it is one of {@link OUTPUT_FILES} or `images`, the
 * output's name for one of its temporary files, `undefined` for anything else. Pure.
 */
export function outputOf(name: string): string | undefined {
  if (OUTPUT_FILES.includes(name) || FILE_DIRS.includes(name)) return name;
  for (const pattern of TEMPORARY) {
    const output = pattern.exec(name)?.[1];
    if (output !== undefined && OUTPUT_FILES.includes(output)) return output;
  }
  return undefined;
}

async function entries(dir: string) {
  return readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    if (codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR') return [];
    throw error;
  });
}

/** The saved images (and their `.part` files) under `dir`, relative to it: only names the image saver gives. */
async function imageFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await entries(dir)) {
    if (entry.isFile() && IMAGE_FILE.test(entry.name)) found.push(entry.name);
    else if (entry.isDirectory() && SHARD.test(entry.name))
      for (const inner of await entries(join(dir, entry.name))) if (inner.isFile() && IMAGE_FILE.test(inner.name)) found.push(join(entry.name, inner.name));
  }
  return found;
}

/**
 * The sitecrawl outputs an earlier run left in `dir`: the files of {@link OUTPUT_FILES}, their temporary files, and
 * `images` and `thumbs` when they hold files named as the image saver names them. Other files are the user's and are not listed.
 * @returns names relative to `dir`, sorted; none when `dir` does not exist.
 */
export async function findOutputs(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await entries(dir)) {
    if (!entry.isDirectory() && !FILE_DIRS.includes(entry.name) && outputOf(entry.name) !== undefined) found.push(entry.name);
    else if (entry.isDirectory() && FILE_DIRS.includes(entry.name) && (await imageFiles(join(dir, entry.name))).length > 0) found.push(entry.name);
  }
  return found.sort();
}

/**
 * Removes outputs found by {@link findOutputs} from `dir`. For `images` and `thumbs`, only the files the image saver names are
 * removed (then the directories left empty), so a user's own files there survive.
 */
export async function removeOutputs(dir: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    if (!FILE_DIRS.includes(name)) {
      await rm(join(dir, name), { force: true });
      continue;
    }
    const images = join(dir, name);
    const files = await imageFiles(images);
    for (const file of files) await rm(join(images, file), { force: true });
    for (const shard of new Set(files.map((file) => dirname(file)).filter((shard) => shard !== '.')))
      await rmdir(join(images, shard)).catch(() => undefined);
    await rmdir(images).catch(() => undefined);
  }
}
