import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

// The browser builds (ES modules) of the page's two libraries, found beside the CommonJS entry points Node
// resolves: preact/dist/preact.module.js, preact/hooks/dist/hooks.module.js, htm/dist/htm.module.js. The page's
// import map (web/index.html) names them by these paths.
const VENDOR_MODULES: Readonly<Record<string, [specifier: string, file: string]>> = {
  'preact.js': ['preact', 'preact.module.js'],
  'preact-hooks.js': ['preact/hooks', 'hooks.module.js'],
  'htm.js': ['htm', 'htm.module.js'],
};

/**
 * The file behind `/vendor/<name>` of the web page: the ES module build of Preact, its hooks or htm, served from
 * the installed npm packages (no bundler, no CDN). `undefined` for any other name, so nothing else under
 * node_modules is reachable. Resolved each call (cheap; the server caches nothing it does not need to).
 */
export function vendorFile(name: string): string | undefined {
  const entry = Object.hasOwn(VENDOR_MODULES, name) ? VENDOR_MODULES[name] : undefined;
  if (entry === undefined) return undefined;
  const [specifier, file] = entry;
  return join(dirname(require.resolve(specifier)), file);
}

/** The names {@link vendorFile} serves. */
export const VENDOR_NAMES: readonly string[] = Object.freeze(Object.keys(VENDOR_MODULES));
