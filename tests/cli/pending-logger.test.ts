import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { PendingLogger } from '../../src/cli/pending-logger.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import { runCli } from '../helpers/run-process.js';

/** A real pino logger at `debug` whose lines land in `lines`, parsed. */
function collectingLogger(lines: Record<string, unknown>[]) {
  return pino({ level: 'debug', base: null, timestamp: false }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
}

describe('PendingLogger (the early fetch logs through it until pino has loaded)', () => {
  test('holds lines of the root, its children and theirs, and writes them in the order logged, with their bindings', () => {
    const pending = new PendingLogger();
    const robots = pending.child({ module: 'robots' });
    robots.warn({ origin: 'http://a' }, 'first');
    pending.info('second');
    const deeper = robots.child({ origin: 'http://b' });
    deeper.debug('third');
    const lines: Record<string, unknown>[] = [];
    pending.attach(collectingLogger(lines));
    expect(lines).toEqual([
      { level: 40, module: 'robots', origin: 'http://a', msg: 'first' },
      { level: 30, msg: 'second' },
      { level: 20, module: 'robots', origin: 'http://b', msg: 'third' },
    ]);
  });

  test('forwards once attached, from loggers made before and after, and a second attach changes nothing', () => {
    const pending = new PendingLogger();
    const early = pending.child({ module: 'fetcher' });
    const lines: Record<string, unknown>[] = [];
    pending.attach(collectingLogger(lines));
    pending.attach(collectingLogger([]));
    early.error({ code: 'x' }, 'early child');
    pending.child({ module: 'late' }).warn('late child');
    expect(lines).toEqual([
      { level: 50, module: 'fetcher', code: 'x', msg: 'early child' },
      { level: 40, module: 'late', msg: 'late child' },
    ]);
  });

  test('only the root is attached', () => {
    const child = new PendingLogger().child({ module: 'robots' }) as PendingLogger;
    expect(() => child.attach(collectingLogger([]))).toThrow(/root/);
  });
});

describe('what the early fetch logs reaches the CLI\'s log', () => {
  test('a robots.txt that answers 500, logged by the robots.txt cache of the early fetch, is in the --log-file', async ({ site, tmp }) => {
    site.robots(500).page('/', []);
    const log = join(tmp, 'crawl.log');
    const result = await runCli(['crawl', site.url('/'), '-o', join(tmp, 'out'), '-q', '--retries', '0', '--log-file', log]);
    expect(result.code).toBe(0);
    expect(site.hits('/')).toBe(0);
    const lines = (await readFile(log, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, module: 'robots', msg: 'robots.txt answered an error: origin disallowed for this run', status: 500 }));
  });

  test('and on stderr without --log-file', async ({ site, tmp }) => {
    site.robots(503).page('/', []);
    const result = await runCli(['crawl', site.url('/'), '-o', join(tmp, 'out'), '-q', '--retries', '0']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/"module":"robots".*robots\.txt answered an error/);
  });
});
