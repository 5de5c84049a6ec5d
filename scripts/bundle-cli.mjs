// Bundles the CLI into dist/cli/ (run by `npm run build`, after tsc has written the library to dist/).
//
// Why (issue 15): unbundled, a plain `sitecrawl crawl` spent most of its start-up in Node's module loader, resolving,
// reading, compiling and linking a few hundred ES and CommonJS modules. One ES module bundle, split so that what only
// some commands use (audit, images, serve, Redis, the SQLite state, ...) stays in chunks loaded on demand, is a few
// files. The library (dist/index.js and its types) stays tsc's output: only the CLI is bundled.
//
// The output is flat (every entry and chunk in dist/cli/), so a path a module computes from its own `import.meta.url`
// resolves the same in any chunk: the parse worker (`./parse-worker.js`), the service's job runner (`job-runner.js`)
// and its web page (`web/`, copied here). Extractors that run on workers name their module by `import.meta.url`
// (`workerSpec()`); in a chunk that is the chunk, which need not export the class, so each such extractor is also an
// entry point (`links.js`, ...) and its `import.meta.url` is rewritten to that entry's file.
import { build } from 'esbuild';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const OUT = path.join(ROOT, 'dist', 'cli');
const EXTRACTORS = path.join(ROOT, 'src', 'extractors');

// Native modules, and packages used only on paths whose start-up does not matter and that read their own files or
// load plugins at run time: loaded from node_modules as before.
const EXTERNAL = ['better-sqlite3', 'sharp', 'fastify', '@fastify/*', 'ioredis', 'playwright-core'];

const NAMES_OWN_MODULE = /return\s*\{\s*module:\s*import\.meta\.url/;

/**
 * Extractors whose `workerSpec()` names their module by `import.meta.url`: each becomes an entry of its own. One
 * outside src/extractors/ would not get an entry, so its workers would fail: the build refuses it.
 */
function workerExtractors() {
  const elsewhere = readdirSync(path.join(ROOT, 'src'), { recursive: true })
    .filter((file) => file.endsWith('.ts') && !path.join('src', file).startsWith(path.join('src', 'extractors') + path.sep))
    .filter((file) => NAMES_OWN_MODULE.test(readFileSync(path.join(ROOT, 'src', file), 'utf8')));
  if (elsewhere.length > 0) throw new Error(`worker extractors outside src/extractors/ (move them there): ${elsewhere.join(', ')}`);
  return readdirSync(EXTRACTORS)
    .filter((file) => file.endsWith('.ts') && NAMES_OWN_MODULE.test(readFileSync(path.join(EXTRACTORS, file), 'utf8')))
    .map((file) => path.basename(file, '.ts'));
}

const extractorEntries = workerExtractors();
const entryPoints = {
  main: 'src/cli/main.ts',
  'parse-worker': 'src/crawler/parse-worker.ts',
  'job-runner': 'src/serve/job-runner.ts',
  ...Object.fromEntries(extractorEntries.map((name) => [name, `src/extractors/${name}.ts`])),
};
const clash = extractorEntries.filter((name) => name === 'main' || name === 'parse-worker' || name === 'job-runner');
if (clash.length > 0) throw new Error(`extractor entry names clash with the CLI's: ${clash.join(', ')}`);

/** Points an extractor's `module: import.meta.url` at its own entry file, which exports the class by name. */
const extractorSpecModules = {
  name: 'extractor-spec-modules',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]src[\\/]extractors[\\/][^\\/]+\.ts$/ }, (args) => {
      const name = path.basename(args.path, '.ts');
      if (!extractorEntries.includes(name)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      const contents = source.replace(/module:\s*import\.meta\.url/g, `module: new URL(${JSON.stringify(`./${name}.js`)}, import.meta.url).href`);
      return { contents, loader: 'ts' };
    });
  },
};

/** Whether a resolved file is CommonJS: `.cjs`, or `.js` whose nearest package.json is not `"type": "module"`. */
function isCommonJs(file) {
  if (file.endsWith('.cjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).type !== 'module';
  }
  return true;
}

/**
 * Gives a CommonJS package that is imported with `import()` its named exports. esbuild's chunk for it exports only
 * `default` (module.exports), where Node also gives the names it finds (`const { pino } = await import('pino')`).
 * The names are read by loading the package here, at build time.
 */
const dynamicImportNames = {
  name: 'dynamic-import-names',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind !== 'dynamic-import' || args.pluginData?.named || args.path.startsWith('node:')) return undefined;
      const resolved = await esbuild.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir, pluginData: { named: true } });
      if (resolved.external || resolved.errors.length > 0 || !isCommonJs(resolved.path)) return undefined;
      return { path: resolved.path, namespace: 'dynamic-import-names', pluginData: { specifier: args.path, resolveDir: args.resolveDir } };
    });
    esbuild.onLoad({ filter: /.*/, namespace: 'dynamic-import-names' }, (args) => {
      const names = Object.keys(createRequire(args.path)(args.path)).filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name));
      const specifier = JSON.stringify(args.pluginData.specifier);
      return {
        contents: `const cjs = require(${specifier});\nexport default cjs;\nexport const { ${names.join(', ')} } = cjs;\n`,
        resolveDir: args.pluginData.resolveDir,
        loader: 'js',
      };
    });
  },
};

/**
 * undici's `require('node:http2')`, made lazy. client-h2.js loads node:http2 when it is loaded (every Client loads it),
 * for its constants and `http2.connect`; node:http2 brings node:tls, node:crypto and the HTTP/2 core, about 20 ms of
 * a plain crawl's start-up (issue 15) that only an HTTP/2 connection needs, and the crawler allows none. The constants
 * it takes are protocol values (header names, RFC 9113 error codes), inlined here from this Node's node:http2;
 * `http2.connect` loads node:http2 on first use. Throws if client-h2.js no longer reads as expected.
 */
function lazyHttp2(source, file) {
  const eager = /let http2\ntry \{\n  http2 = require\('node:http2'\)\n\} catch \{\n  \/\/ @ts-ignore\n  http2 = \{ constants: \{\} \}\n\}\n\nconst \{\n  constants: \{\n([\s\S]*?)\n  \}\n\} = http2\n/;
  const match = eager.exec(source);
  if (!match || source.split('http2.connect(').length !== 2) throw new Error(`${file}: not the client-h2.js scripts/bundle-cli.mjs knows (update lazyHttp2)`);
  const { constants } = createRequire(import.meta.url)('node:http2');
  const inlined = match[1].split(',').map((text) => {
    const name = text.trim();
    if (!/^[A-Z0-9_]+$/.test(name) || constants[name] === undefined) throw new Error(`${file}: unknown http2 constant ${name}`);
    return `const ${name} = ${JSON.stringify(constants[name])}`;
  });
  const lazy = `let http2\nconst loadHttp2 = () => (http2 ??= require('node:http2'))\n\n${inlined.join('\n')}\n`;
  return source.replace(eager, lazy).replace('http2.connect(', 'loadHttp2().connect(');
}

/**
 * undici files the crawler's requests never reach, left out of the bundle and required from node_modules if ever they
 * are: `web/fetch/body.js` (with fetch's body, FormData and WebIDL code, about 170 KB), which undici's clients require
 * only to send a FormData body (the crawler sends none), and `llhttp-wasm.js`, the HTTP parser for a CPU without
 * WebAssembly SIMD (the SIMD build of the same parser is bundled). Every byte of a loaded chunk is parsed when it
 * loads, so these cost start-up time (issue 15) without ever running.
 */
const UNREACHED_UNDICI = { 'client-h1.js': ['web/fetch/body.js', 'llhttp/llhttp-wasm.js'], 'client-h2.js': ['web/fetch/body.js'] };

/** undici's two HTTP clients, trimmed for start-up: node:http2 loaded on first use, unreached files left out. */
const undiciStartUp = {
  name: 'undici-start-up',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^undici\/lib\/(web\/fetch\/body|llhttp\/llhttp-wasm)\.js$/ }, (args) => ({ path: args.path, external: true }));
    esbuild.onLoad({ filter: /[\\/]node_modules[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client-h[12]\.js$/ }, (args) => {
      const name = path.basename(args.path);
      let contents = readFileSync(args.path, 'utf8');
      if (name === 'client-h2.js') contents = lazyHttp2(contents, args.path);
      for (const file of UNREACHED_UNDICI[name]) {
        const relative = `require('../${file}')`;
        if (!contents.includes(relative)) throw new Error(`${args.path}: no ${relative} (update UNREACHED_UNDICI in scripts/bundle-cli.mjs)`);
        contents = contents.split(relative).join(`require('undici/lib/${file}')`);
      }
      return { contents, loader: 'js' };
    });
  },
};

// Replace only the tsc output of the CLI (the library does not import it); the rest of dist/ stays.
rmSync(OUT, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints,
  outdir: OUT,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  sourcemap: true,
  // Stack traces need the mappings only; the sources are in src/ and node_modules/ (3 MB more in dist/ otherwise).
  sourcesContent: false,
  // Whitespace, comments and syntax minified (names kept, so stack traces still name functions): V8 reads every byte
  // of a chunk when it loads, and the CLI's chunks are 2.4 MB as written, 1.6 MB minified. That took about 10 ms of
  // main-thread CPU off a crawl's first request (issue 15). `node --enable-source-maps` maps positions to src/.
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [extractorSpecModules, dynamicImportNames, undiciStartUp],
  // Bundled CommonJS packages (undici, pino, ...) call `require` for Node's built-ins: give every file a real one.
  banner: { js: "import { createRequire as __sitecrawlCreateRequire } from 'node:module';\nconst require = __sitecrawlCreateRequire(import.meta.url);" },
});

// Which sources and packages each output file holds, for tests/cli/startup-modules.test.ts (what a plain crawl loads).
const contents = Object.fromEntries(
  Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, output]) => [path.basename(file), Object.keys(output.inputs)]),
);
writeFileSync(path.join(OUT, 'bundle-contents.json'), JSON.stringify(contents, null, 1) + '\n');
cpSync(path.join(ROOT, 'src', 'serve', 'web'), path.join(OUT, 'web'), { recursive: true });
