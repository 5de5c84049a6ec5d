import { realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, sep } from 'node:path';

/** Content types of the files the service serves, by extension. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json; charset=utf-8', '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8', '.log': 'text/plain; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.avif': 'image/avif', '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.bmp': 'image/bmp', '.tif': 'image/tiff', '.tiff': 'image/tiff',
};

/** The content type of a file by its extension (`application/octet-stream` when unknown). Pure. */
export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Resolves `relative` (as decoded from a URL) inside `root`, or returns undefined when it would leave it or is not a
 * regular file: absolute paths, `..` segments, backslashes, NUL bytes, and symbolic links leading outside (the real
 * path is checked against the real root).
 */
export async function resolveInside(root: string, relative: string): Promise<string | undefined> {
  if (relative === '' || relative.includes('\0') || relative.includes('\\') || isAbsolute(relative)) return undefined;
  const segments = relative.split('/');
  if (segments.some((segment) => segment === '..' || segment === '.')) return undefined;
  try {
    const realRoot = await realpath(root);
    const real = await realpath(join(realRoot, ...segments.filter(Boolean)));
    if (!real.startsWith(realRoot + sep)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}
