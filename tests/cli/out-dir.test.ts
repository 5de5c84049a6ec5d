import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from '../helpers/fixtures.js';
import { readJsonLines, serveImage } from '../helpers/harvest.js';
import { png } from '../helpers/images.js';
import type { ProcessResult } from '../helpers/run-process.js';
import { runCli } from '../helpers/run-process.js';

// A child that hangs (as `-o /proc/x/y` did, spinning in Node's recursive mkdir) is killed after this long and fails
// the test with a null exit code instead of holding the suite.
const HANG_MS = 30_000;

/** Runs `file args...` (the CLI behind a shell, or node as another user) with a kill timeout. */
function run(file: string, args: readonly string[], options: { uid?: number; gid?: number } = {}): Promise<ProcessResult> {
  const child = spawn(file, args, { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'], timeout: HANG_MS, killSignal: 'SIGKILL', ...options });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const cli = (args: readonly string[], options?: { uid?: number; gid?: number }) => run(process.execPath, ['dist/cli/main.js', ...args], options);

function expectRefused(result: ProcessResult, command: string, pattern: RegExp): void {
  expect(result.code).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^sitecrawl ${command}: `));
  expect(lines[0]).toMatch(pattern);
}

// Root passes permission checks, so "no permission" runs the CLI as nobody; a read-only file system needs a mount,
// which an unprivileged user namespace allows where the kernel does.
const isRoot = process.getuid?.() === 0;
const canUnshare = spawnSync('unshare', ['--map-root-user', '--mount', 'true']).status === 0;

describe('an unusable output directory ends at once with exit 2, one line, and no request', () => {
  test.for([
    ['under procfs', () => '/proc/sitecrawl-no-such-dir/out'],
    ['procfs itself', () => '/proc'],
    ['under sysfs', () => '/sys/sitecrawl-no-such-dir/out'],
    ['a file in the way', async (tmp: string) => {
      await writeFile(join(tmp, 'file'), 'x');
      return join(tmp, 'file', 'out');
    }],
    ['a file where the directory should be', async (tmp: string) => {
      await writeFile(join(tmp, 'file'), 'x');
      return join(tmp, 'file');
    }],
    ['a dangling symbolic link', async (tmp: string) => {
      await symlink(join(tmp, 'missing', 'target'), join(tmp, 'link'));
      return join(tmp, 'link');
    }],
  ] as const)('%s', async ([, outDir], { site, tmp }) => {
    const path = await outDir(tmp);
    const commands = ['crawl', 'images', 'audit'];
    const results = await Promise.all(commands.map((command) => cli([command, site.url('/'), '-o', path])));
    results.forEach((result, index) => expectRefused(result, commands[index] as string, /^sitecrawl \w+: --out: Cannot write to output directory /));
    expect(site.requests).toHaveLength(0);
  });

  test('a directory without write permission', async ({ site, tmp }) => {
    const locked = join(tmp, 'locked');
    await mkdir(locked, { mode: 0o555 });
    await chmod(tmp, 0o755);
    await chmod(locked, 0o555);
    const asNobody = isRoot ? { uid: 65534, gid: 65534 } : {};
    for (const outDir of [join(locked, 'out'), locked]) expectRefused(await cli(['crawl', site.url('/'), '-o', outDir], asNobody), 'crawl', /--out: .*(EACCES|not writable)/);
    expect(site.requests).toHaveLength(0);
  });

  test.skipIf(!canUnshare)('a read-only file system', async ({ site, tmp }) => {
    const script = 'mount -t tmpfs -o ro,size=64k tmpfs "$1" && shift && exec "$@"';
    const mountPoint = join(tmp, 'ro');
    await mkdir(mountPoint);
    for (const outDir of [join(mountPoint, 'out'), mountPoint]) {
      const result = await run('unshare', ['--map-root-user', '--mount', 'sh', '-c', script, 'sh', mountPoint, process.execPath, 'dist/cli/main.js', 'crawl', site.url('/'), '-o', outDir]);
      expectRefused(result, 'crawl', /--out: .*EROFS/);
    }
    expect(site.requests).toHaveLength(0);
  });

  test('a --log-file under procfs', async ({ site, tmp }) => {
    const result = await cli(['crawl', site.url('/'), '-o', join(tmp, 'out'), '--log-file', '/proc/sitecrawl-no-such-dir/log.jsonl']);
    expectRefused(result, 'crawl', /^sitecrawl crawl: --log-file: /);
    expect(site.requests).toHaveLength(0);
  });
});

test('a --log-file in a new directory is created and gets the log lines', async ({ site, tmp }) => {
  site.status('/', 404);
  const log = join(tmp, 'logs', 'nested', 'crawl.jsonl');
  expect((await cli(['crawl', site.url('/'), '-o', join(tmp, 'out'), '-q', '--log-file', log])).code).toBe(0);
  expect((await readJsonLines(log)).some((line) => line['msg'] === 'page failed')).toBe(true);
});

describe('a second run into the same output directory', () => {
  test('is refused with exit 2 naming --overwrite, touches nothing and makes no request', async ({ site, tmp }) => {
    site.page('/', ['/a']).page('/a', []);
    const out = join(tmp, 'out');
    expect((await runCli(['crawl', site.url('/'), '-o', out, '-q'])).code).toBe(0);
    const before = await readFile(join(out, 'pages.jsonl'), 'utf8');
    const requests = site.requests.length;
    for (const command of ['crawl', 'images', 'audit']) {
      const again = await runCli([command, site.url('/'), '-o', out, '-q']);
      expectRefused(again, command, /holds the outputs of an earlier run \(pages\.jsonl, records\.jsonl\): use --overwrite to replace them/);
    }
    expect(site.requests).toHaveLength(requests);
    expect(await readFile(join(out, 'pages.jsonl'), 'utf8')).toBe(before);
  });

  test('a persisted earlier run is refused with a message that also names --resume', async ({ site, tmp }) => {
    site.page('/', ['/a']).page('/a', []);
    const out = join(tmp, 'out');
    expect((await runCli(['crawl', site.url('/'), '-o', out, '-q', '--persist'])).code).toBe(0);
    const again = await runCli(['crawl', site.url('/'), '-o', out, '-q']);
    expectRefused(again, 'crawl', /use --overwrite to replace them, --resume to continue it, or another -o$/);
    const images = await runCli(['images', site.url('/'), '-o', out, '-q']);
    expectRefused(images, 'images', /use --overwrite to replace them, --resume to continue it, or another -o$/);
  });

  test('--overwrite replaces every earlier output, leaves nothing stale and keeps unrelated files; Wrote lists only this run’s files', async ({ site, tmp }) => {
    site.page('/', ['/a']).page('/a', []);
    const out = join(tmp, 'out');
    expect((await runCli(['crawl', site.url('/'), '-o', out, '-q'])).code).toBe(0);
    await writeFile(join(out, 'notes.txt'), 'mine');
    await writeFile(join(out, 'audit.json'), '{}');
    await writeFile(join(out, '.pages.csv.0123456789ab.part'), 'half');
    // The start URL is now plain text: no title, so no records at all.
    site.route('/', (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('moved'));
    const again = await runCli(['crawl', site.url('/'), '-o', out, '--overwrite', '--format', 'csv']);
    expect(again.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['notes.txt', 'pages.csv']);
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect(again.stderr.split('\n').filter((line) => line.startsWith('Wrote'))).toEqual([`Wrote ${join(out, 'pages.csv')}`]);
  });

  test('an empty directory, or one holding only other files, is used as is', async ({ site, tmp }) => {
    site.page('/', []);
    await mkdir(join(tmp, 'empty'));
    await mkdir(join(tmp, 'other', 'images'), { recursive: true });
    await writeFile(join(tmp, 'other', 'images', 'logo.png'), 'mine');
    expect((await runCli(['crawl', site.url('/'), '-o', join(tmp, 'empty'), '-q'])).code).toBe(0);
    expect((await runCli(['images', site.url('/'), '-o', join(tmp, 'other'), '-q'])).code).toBe(0);
    expect(await readFile(join(tmp, 'other', 'images', 'logo.png'), 'utf8')).toBe('mine');
  });

  test('images: refused without a flag; --skip-saved keeps the saved images and skips them; --overwrite starts afresh', async ({ site, tmp }) => {
    site.page('/', [], { body: '<img src="/a.png">' });
    serveImage(site, '/a.png', png(5, 5, 1));
    const out = join(tmp, 'out');
    expect((await runCli(['images', site.url('/'), '-o', out, '-q', '--workers', '0'])).code).toBe(0);
    expectRefused(await runCli(['images', site.url('/'), '-o', out, '-q']), 'images', /use --overwrite to replace them, --skip-saved to keep the images it saved, or another -o$/);

    site.page('/', [], { body: '<img src="/a.png"><img src="/b.png">' });
    serveImage(site, '/b.png', png(5, 5, 2));
    const skipping = await runCli(['images', site.url('/'), '-o', out, '--skip-saved', '--workers', '0']);
    expect(skipping.code).toBe(0);
    expect([site.hits('/a.png'), site.hits('/b.png')]).toEqual([1, 1]);
    expect(skipping.stderr).toMatch(/Images: 1 saved, 1 already saved/);
    expect((await readJsonLines(join(out, 'images.jsonl'))).map((record) => new URL(record['url'] as string).pathname).sort()).toEqual(['/a.png', '/b.png']);

    const fresh = await runCli(['images', site.url('/'), '-o', out, '--overwrite', '-q', '--workers', '0']);
    expect(fresh.code).toBe(0);
    expect([site.hits('/a.png'), site.hits('/b.png')]).toEqual([2, 2]);
  });

  test('images --skip-saved is refused where another command’s outputs lie, and with --overwrite', async ({ site, tmp }) => {
    site.page('/', [], { body: '<img src="/a.png">' });
    serveImage(site, '/a.png', png(5, 5, 1));
    const out = join(tmp, 'out');
    expect((await runCli(['images', site.url('/'), '-o', out, '-q', '--workers', '0'])).code).toBe(0);
    await writeFile(join(out, 'records.jsonl'), '{"type":"title"}\n');
    expectRefused(await runCli(['images', site.url('/'), '-o', out, '--skip-saved']), 'images', /outputs of another command \(records\.jsonl\)/);
    const both = await runCli(['images', site.url('/'), '-o', out, '--skip-saved', '--overwrite']);
    expect([both.code, both.stderr.split('\n')[0]]).toEqual([2, 'sitecrawl images: --skip-saved keeps what --overwrite removes: give one of them']);
    expect(site.hits('/a.png')).toBe(1);
    expect((await stat(join(out, 'records.jsonl'))).isFile()).toBe(true);
  });
});

describe('a write failure (here the file size limit, EFBIG) cuts the file back to its last whole line, exit 1', () => {
  test.for(['jsonl', 'csv'] as const)('--format %s', async (format, { site, tmp }) => {
    const paths = Array.from({ length: 60 }, (_, index) => `/page-${index}`);
    site.page('/', paths, { title: 'a title long enough to fill a few kilobytes of records quickly' });
    for (const path of paths) site.page(path, [], { title: `the page at ${path}, with a title long enough to fill the file` });
    const out = join(tmp, 'out');
    // 4 blocks of 1 KiB: a write that would pass 4096 bytes fails with EFBIG (SIGXFSZ ignored, so the error surfaces).
    const script = `trap '' XFSZ; ulimit -f 4 && exec "$@"`;
    const result = await run('bash', ['-c', script, 'bash', process.execPath, 'dist/cli/main.js', 'crawl', site.url('/'), '-o', out, '-q', '--workers', '0', '--format', format]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/EFBIG/);
    const text = await readFile(join(out, `pages.${format}`), 'utf8');
    const lineEnd = format === 'csv' ? '\r\n' : '\n';
    expect(text.endsWith(lineEnd)).toBe(true);
    const lines = text.slice(0, -lineEnd.length).split(lineEnd);
    expect(Buffer.byteLength(text)).toBeGreaterThan(3000);
    if (format === 'jsonl') for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    else for (const line of lines) expect(line.split(',').length).toBeGreaterThanOrEqual(13);
  });
});
