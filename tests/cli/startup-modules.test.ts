import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '../helpers/fixtures.js';
import { startNode } from '../helpers/run-process.js';

// Issue 15: a plain `sitecrawl crawl` must reach its first request in well under 200 ms, so nothing it does not use may
// be loaded at start-up. Each of these is needed only on another path (persisted state, images, the service, Redis,
// cookies, sitemaps, CSS selectors, the `domain` scope, private-address checks) and must be loaded there lazily
// (`await import()`, which the CLI's bundle turns into a chunk loaded on demand, or a `createRequire` at the point of
// use), never from a module the crawl path imports at top level.
const HEAVY = ['better-sqlite3', 'sharp', 'fastify', 'ioredis', 'tough-cookie', 'saxes', 'playwright-core', 'css-select', 'tldts', 'image-size', 'ipaddr.js'];
// undici's index loads all of undici (fetch, WebSocket, caches, mocks): the crawler takes its parts from
// src/crawler/undici-core.ts instead.
const UNDICI_INDEX = /(^|\/)node_modules\/undici\/index\.js$/;
// Node built-ins an http:// crawl does not need: undici's client-h2.js loads node:http2 (and with it node:tls) only
// for an HTTP/2 connection (scripts/bundle-cli.mjs makes that require lazy); https:// loads node:tls on connect.
const UNNEEDED_BUILTINS = ['node:http2', 'node:tls', 'node:https'];

// Built-ins a crawl needs later, if at all, that its first request must not wait for: node:crypto (17 modules) and
// perf_hooks (8, loaded by the first touch of the global `performance`).
const NOT_BEFORE_FIRST_REQUEST = ['node:crypto', 'node:perf_hooks'];

const recorder = resolve('tests/helpers/module-recorder.mjs');
const FIRST_CONNECT = '# first connect: ';
const CLI_DIR = resolve('dist/cli');

/**
 * The modules behind what the process loaded: the CLI is a bundle (scripts/bundle-cli.mjs), so a file of dist/cli/
 * stands for the sources and package files it holds (its build's dist/cli/bundle-contents.json); anything else
 * (an external package, a `createRequire`d one) is itself.
 */
async function sourcesOf(loaded: readonly string[]): Promise<string[]> {
  const contents = JSON.parse(await readFile(join(CLI_DIR, 'bundle-contents.json'), 'utf8')) as Record<string, string[]>;
  return loaded.flatMap((entry) => {
    const file = entry.startsWith('file://') ? fileURLToPath(entry) : entry;
    return dirname(file) === CLI_DIR && Object.hasOwn(contents, basename(file)) ? (contents[basename(file)] as string[]) : [file];
  });
}

function packagesIn(sources: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const entry of sources) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(entry);
    if (match) names.add(match[1] as string);
  }
  return names;
}

describe('start-up of a plain crawl', () => {
  test('loads none of the heavy dependencies other paths need', async ({ site, tmp }) => {
    site.page('/', ['/a', '/b']).page('/a', ['/b']).page('/b', []);
    const file = join(tmp, 'modules.txt');
    const { result } = startNode(['--import', recorder, 'dist/cli/main.js', 'crawl', site.url('/'), '-o', join(tmp, 'out'), '-q'], { RECORD_MODULES_FILE: file });
    const { code, stderr } = await result;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(site.hits('/b')).toBe(1);
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    const loaded = await sourcesOf(lines.filter((line) => !line.startsWith(FIRST_CONNECT)));
    // The recorder saw the crawl's own modules, so an empty list cannot pass for a clean one.
    expect(loaded.some((entry) => entry.endsWith('src/crawler/crawl-run.ts'))).toBe(true);
    expect(loaded.some((entry) => /(^|\/)node_modules\/undici\/lib\/dispatcher\/agent\.js$/.test(entry))).toBe(true);
    const packages = packagesIn(loaded);
    expect(HEAVY.filter((name) => packages.has(name))).toEqual([]);
    expect(loaded.filter((entry) => UNDICI_INDEX.test(entry))).toEqual([]);
    // The recorder lists the main thread's built-ins too (node:net is needed), so an empty list cannot pass.
    expect(loaded).toContain('node:net');
    expect(UNNEEDED_BUILTINS.filter((name) => loaded.includes(name))).toEqual([]);
    const atFirstConnect = lines.find((line) => line.startsWith(FIRST_CONNECT))?.slice(FIRST_CONNECT.length).split(' ') ?? [];
    expect(atFirstConnect).toContain('node:net');
    expect(NOT_BEFORE_FIRST_REQUEST.filter((name) => atFirstConnect.includes(name))).toEqual([]);
  });

  test('pino is not in what loads before robots.txt is sent (the crawl command\'s static imports), only in the crawler\'s', async () => {
    const contents = JSON.parse(await readFile(join(CLI_DIR, 'bundle-contents.json'), 'utf8')) as Record<string, string[]>;
    const entryOf = (prefix: string) => Object.keys(contents).find((name) => name.startsWith(prefix)) as string;
    // What a chunk and its static imports hold: all of it is loaded and run before the chunk's own code runs.
    async function staticSources(name: string, seen = new Set<string>()): Promise<string[]> {
      if (seen.has(name)) return [];
      seen.add(name);
      const text = await readFile(join(CLI_DIR, name), 'utf8');
      // Static imports only (`from "./x.js"`, `import "./x.js"`), minified or not; `import("./x.js")` loads on demand.
      const imported = [...text.matchAll(/\b(?:from|import)\s*"\.\/([^"]+\.js)"/g)].map((match) => match[1] as string);
      const nested = await Promise.all(imported.map((file) => staticSources(file, seen)));
      return [...(contents[name] ?? []), ...nested.flat()];
    }
    const beforeRobots = packagesIn([...(await staticSources('main.js')), ...(await staticSources(entryOf('crawl-command-')))]);
    expect(beforeRobots.has('undici')).toBe(true);
    expect(beforeRobots.has('pino')).toBe(false);
    // The crawler's own chunk holds pino (its default logger), so the walk above would find it if it were imported.
    expect(packagesIn(await staticSources(entryOf('crawler-'))).has('pino')).toBe(true);
  });

  test('the recorder sees a module loaded through createRequire (so the check above can fail)', async ({ site, tmp }) => {
    site.page('/', []);
    const file = join(tmp, 'modules.txt');
    // --persist opens OUT/state.db, which loads better-sqlite3 on that path only.
    const { result } = startNode(['--import', recorder, 'dist/cli/main.js', 'crawl', site.url('/'), '-o', join(tmp, 'out'), '-q', '--persist'], { RECORD_MODULES_FILE: file });
    expect((await result).code).toBe(0);
    const packages = packagesIn(await sourcesOf((await readFile(file, 'utf8')).split('\n').filter(Boolean)));
    expect(packages.has('better-sqlite3')).toBe(true);
  });

  test('the bundle map sees a package bundled into a chunk loaded on demand (tough-cookie for --cookies)', async ({ site, tmp }) => {
    site.page('/', []);
    const file = join(tmp, 'modules.txt');
    const cookies = join(tmp, 'cookies.txt');
    await writeFile(cookies, `127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tabc\n`);
    const { result } = startNode(['--import', recorder, 'dist/cli/main.js', 'crawl', site.url('/'), '-o', join(tmp, 'out'), '-q', '--cookies', cookies], { RECORD_MODULES_FILE: file });
    const { code, stderr } = await result;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const loaded = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    // Loaded as a chunk of the bundle, not from node_modules: only the bundle's map names it.
    expect(packagesIn(loaded).has('tough-cookie')).toBe(false);
    expect(packagesIn(await sourcesOf(loaded)).has('tough-cookie')).toBe(true);
  });
});
