import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { VENDOR_NAMES, vendorFile } from '../../src/serve/web-assets.js';
import { expect, test } from '../helpers/fixtures.js';

const INDEX = new URL('../../src/serve/web/index.html', import.meta.url);

test('vendorFile serves the ES module builds of Preact, its hooks and htm, and nothing else under node_modules', () => {
  expect(VENDOR_NAMES).toEqual(['preact.js', 'preact-hooks.js', 'htm.js']);
  for (const name of VENDOR_NAMES) {
    const file = vendorFile(name) as string;
    expect(file).toMatch(/node_modules[\\/](preact|htm)[\\/].*\.module\.js$/);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/\bexport\b/);
  }
  for (const name of ['../package.json', 'preact', 'hooks.module.js', 'constructor', '__proto__', 'toString', ''])
    expect(vendorFile(name)).toBeUndefined();
});

test('index.html maps each bare import to a vendor file, and its CSP allows that import map by hash and nothing inline else', () => {
  const html = readFileSync(INDEX, 'utf8');
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] as string;
  const { imports } = JSON.parse(importMap) as { imports: Record<string, string> };
  expect(Object.keys(imports).sort()).toEqual(['htm', 'preact', 'preact/hooks']);
  for (const path of Object.values(imports)) expect(VENDOR_NAMES).toContain(path.replace(/^\/vendor\//, ''));
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] as string;
  const hash = createHash('sha256').update(importMap).digest('base64');
  expect(csp).toContain(`script-src 'self' 'sha256-${hash}';`);
  expect(csp).toContain("default-src 'none'");
  expect(csp).not.toContain('unsafe-inline');
  // One inline script (the import map); everything else is a file from the server.
  expect(html.match(/<script\b(?![^>]*\bsrc=)/g)).toHaveLength(1);
});
