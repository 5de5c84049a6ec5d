import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCrawlArgs } from '../../src/cli/args.js';
import type { CrawlCommand } from '../../src/cli/args.js';
import { parseAuditArgs } from '../../src/cli/audit-args.js';
import type { AuditCommand } from '../../src/cli/audit-args.js';
import { parseImagesArgs } from '../../src/cli/images-command.js';
import type { ImagesCommand } from '../../src/cli/images-command.js';
import { expect, test } from '../helpers/fixtures.js';
import { runCli } from '../helpers/run-process.js';

const URL_ = 'http://s.test/';

test('--deny-private sets denyPrivateAddresses for crawl, images and audit; it is off without the flag', () => {
  const crawl = (...args: string[]) => (parseCrawlArgs([URL_, ...args]) as CrawlCommand).options;
  const images = (...args: string[]) => (parseImagesArgs([URL_, ...args]) as ImagesCommand).crawl.options;
  const audit = (...args: string[]) => (parseAuditArgs([URL_, ...args]) as AuditCommand).options;
  for (const parse of [crawl, images, audit]) {
    expect(parse('--deny-private').denyPrivateAddresses).toBe(true);
    expect(parse().denyPrivateAddresses).toBeUndefined();
  }
});

test('crawl --deny-private records a loopback site as blocked-address without a request', async ({ site, tmp }) => {
  site.page('/', ['/a']).page('/a', []);
  const out = join(tmp, 'out');
  const result = await runCli(['crawl', site.url('/'), '--deny-private', '-o', out]);
  expect(result.code).toBe(0);
  const pages = (await readFile(join(out, 'pages.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(pages).toEqual([expect.objectContaining({ url: site.url('/'), status: null, error: expect.objectContaining({ code: 'blocked-address' }) })]);
  expect(result.stderr).toMatch(/blocked-address 1/);
  expect(site.requests).toHaveLength(0);
});
