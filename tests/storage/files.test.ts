import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileStore } from '../../src/index.js';
import { expect, test } from '../helpers/fixtures.js';

test('write puts the bytes under the final name atomically and leaves no temporary file', async ({ tmp }) => {
  const store = new FileStore(tmp);
  expect(await store.write('images/ab/abc.png', Buffer.from('one'))).toBe(true);
  expect(await readFile(join(tmp, 'images/ab/abc.png'), 'utf8')).toBe('one');
  expect(await readdir(join(tmp, 'images/ab'))).toEqual(['abc.png']);
  expect(await store.has('images/ab/abc.png')).toBe(true);
  expect(await store.has('images/ab/nope.png')).toBe(false);
});

test('overwrite: false keeps an existing file; the default replaces it', async ({ tmp }) => {
  const store = new FileStore(tmp);
  await store.write('a.txt', 'first');
  expect(await store.write('a.txt', 'second', { overwrite: false })).toBe(false);
  expect(await store.readText('a.txt')).toBe('first');
  await store.write('a.txt', 'third');
  expect(await store.readText('a.txt')).toBe('third');
  expect(await store.readText('missing.txt')).toBeUndefined();
});

test.each(['../escape.png', '/etc/passwd', '', 'images/../../x'])('a name outside the root is refused: %j', async (name) => {
  const store = new FileStore('/tmp/root-of-store');
  expect(() => store.pathOf(name)).toThrow(RangeError);
});

test('a failed write removes its temporary file and leaves nothing under the final name', async ({ tmp }) => {
  const store = new FileStore(tmp);
  await mkdir(join(tmp, 'images', 'x.png'), { recursive: true }); // a directory where the file should go: rename fails
  await expect(store.write('images/x.png', Buffer.from('data'))).rejects.toThrow();
  expect((await readdir(join(tmp, 'images'))).sort()).toEqual(['x.png']);
  expect(await readdir(join(tmp, 'images', 'x.png'))).toEqual([]);
});

test('removeStaleParts removes the .part files a killed run left, and nothing else', async ({ tmp }) => {
  await mkdir(join(tmp, 'images', 'ab'), { recursive: true });
  await writeFile(join(tmp, 'images', 'ab', '.abc.png.0123456789ab.part'), 'half');
  await writeFile(join(tmp, 'images', 'ab', 'abc.png'), 'whole');
  await writeFile(join(tmp, 'images', 'notes.part'), 'not ours');
  expect(await new FileStore(tmp).removeStaleParts('images')).toBe(1);
  expect(await readdir(join(tmp, 'images', 'ab'))).toEqual(['abc.png']);
  expect(await new FileStore(tmp).removeStaleParts('missing-dir')).toBe(0);
});
