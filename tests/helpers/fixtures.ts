import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from 'vitest';
import { startSite } from './site.js';
import type { Site } from './site.js';

/** Re-exported from vitest so test files import everything from one place. */
export { describe, expect } from 'vitest';

/**
 * vitest `test` with per-test fixtures: `site`, a fresh {@link Site} on 127.0.0.1 closed after the test, and `tmp`,
 * a fresh `mkdtemp` directory under `os.tmpdir()` removed after the test. Nothing is shared between tests.
 */
export const test = base.extend<{ site: Site; tmp: string }>({
  site: async ({}, use) => {
    const site = await startSite();
    await use(site);
    await site.close();
  },
  tmp: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'sitecrawl-test-'));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },
});
