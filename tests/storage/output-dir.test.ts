import { mkdir, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OutputDirError } from '../../src/errors.js';
import { findOutputs, outputOf, prepareOutputDir, removeOutputs } from '../../src/storage/output-dir.js';
import { expect, test } from '../helpers/fixtures.js';

const sha = 'ab'.repeat(32);

test('prepareOutputDir creates missing parents, accepts an existing directory and leaves no probe file', async ({ tmp }) => {
  const dir = join(tmp, 'a', 'b', 'c');
  expect(await prepareOutputDir(dir)).toBe(dir);
  expect(await prepareOutputDir(dir)).toBe(dir);
  expect((await stat(dir)).isDirectory()).toBe(true);
  expect(await readdir(dir)).toEqual([]);
});

test('prepareOutputDir follows a symbolic link to a directory', async ({ tmp }) => {
  await mkdir(join(tmp, 'real'));
  await symlink(join(tmp, 'real'), join(tmp, 'link'));
  await expect(prepareOutputDir(join(tmp, 'link', 'out'))).resolves.toBe(join(tmp, 'link', 'out'));
  expect(await readdir(join(tmp, 'real'))).toEqual(['out']);
});

// Node's recursive mkdir never returns on the procfs paths (sync or async); these must reject, and at once.
test.each([
  ['under procfs', '/proc/sitecrawl-no-such-dir/a/b'],
  ['procfs itself', '/proc'],
  ['a process directory of procfs', '/proc/self/sitecrawl-no-such-dir'],
  ['under sysfs', '/sys/sitecrawl-no-such-dir/a'],
  ['a device', '/dev/null'],
])('prepareOutputDir rejects %s', async (_name, dir) => {
  await expect(prepareOutputDir(dir)).rejects.toBeInstanceOf(OutputDirError);
});

test('prepareOutputDir rejects a file in the way and a dangling symbolic link', async ({ tmp }) => {
  await writeFile(join(tmp, 'file'), 'x');
  await symlink(join(tmp, 'nowhere'), join(tmp, 'dangling'));
  await expect(prepareOutputDir(join(tmp, 'file'))).rejects.toThrow(/is not a directory/);
  await expect(prepareOutputDir(join(tmp, 'file', 'out'))).rejects.toThrow(/ENOTDIR/);
  await expect(prepareOutputDir(join(tmp, 'dangling'))).rejects.toThrow(/symbolic link to a missing target/);
});

test.each([
  ['pages.jsonl', 'pages.jsonl'],
  ['records.csv', 'records.csv'],
  ['report.html', 'report.html'],
  ['images', 'images'],
  ['.images.jsonl.0123456789ab.part', 'images.jsonl'],
  ['records.csv.4242.tmp', 'records.csv'],
  ['audit.json.4242.0123456789ab.tmp', 'audit.json'],
  ['notes.txt', undefined],
  ['pages.jsonl.bak', undefined],
  ['.notes.txt.0123456789ab.part', undefined],
  ['.sitecrawl-probe-0123456789ab', undefined],
])('outputOf(%j) is %j', (name, output) => {
  expect(outputOf(name)).toBe(output);
});

test('findOutputs lists sitecrawl outputs only; removeOutputs removes them and keeps the user’s files', async ({ tmp }) => {
  expect(await findOutputs(join(tmp, 'missing'))).toEqual([]);
  await mkdir(join(tmp, 'images', 'ab'), { recursive: true });
  await writeFile(join(tmp, 'images', 'ab', `${sha}.png`), 'png');
  await writeFile(join(tmp, 'images', `${sha}.gif`), 'gif');
  await writeFile(join(tmp, 'images', 'logo.png'), 'mine');
  await writeFile(join(tmp, 'pages.jsonl'), '{}\n');
  await writeFile(join(tmp, 'records.csv.99.tmp'), 'half');
  await writeFile(join(tmp, 'notes.txt'), 'mine');
  const found = await findOutputs(tmp);
  expect(found).toEqual(['images', 'pages.jsonl', 'records.csv.99.tmp']);
  await removeOutputs(tmp, found);
  expect((await readdir(tmp)).sort()).toEqual(['images', 'notes.txt']);
  expect(await readdir(join(tmp, 'images'))).toEqual(['logo.png']);
  expect(await findOutputs(tmp)).toEqual([]);
});

test('an images directory holding only the user’s files is not an output', async ({ tmp }) => {
  await mkdir(join(tmp, 'images'));
  await writeFile(join(tmp, 'images', 'logo.png'), 'mine');
  expect(await findOutputs(tmp)).toEqual([]);
});
