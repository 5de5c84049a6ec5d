import { describe, expect, test } from '../helpers/fixtures.js';
import { runCli } from '../helpers/run-process.js';
import { parseServeArgs } from '../../src/cli/serve-command.js';

describe('sitecrawl serve arguments', () => {
  test('flags map to the service options; the token and secret may come from the environment', () => {
    expect(parseServeArgs(['--host', '127.0.0.2', '--port', '0', '--data', 'd', '--max-jobs', '2', '--allow-private', '--webhook-backoff', '10', '--body-limit', '2048'], {})).toEqual({
      options: { host: '127.0.0.2', port: 0, dataDir: 'd', maxJobs: 2, allowPrivate: true, webhookBackoffMs: 10, bodyLimit: 2048 },
      logLevel: 'info',
    });
    expect(parseServeArgs([], { SITECRAWL_TOKEN: 'from-the-env', SITECRAWL_WEBHOOK_SECRET: 's' }).valueOf()).toMatchObject({ options: { token: 'from-the-env', webhookSecret: 's' } });
    expect(parseServeArgs(['--token', 'from-the-flag'], { SITECRAWL_TOKEN: 'from-the-env' })).toMatchObject({ options: { token: 'from-the-flag' } });
    expect(parseServeArgs(['-h'])).toBe('help');
  });

  test.each([
    [['--port', '70000'], '--port'],
    [['--max-jobs', '0'], '--max-jobs'],
    [['--log-level', 'loud'], '--log-level'],
    [['--bogus'], 'bogus'],
    [['http://example.com/'], 'positional'],
  ])('%j is a usage error naming %s', (argv, name) => {
    expect(() => parseServeArgs(argv, {})).toThrow(name);
  });

  test('the built CLI refuses a bind beyond loopback without a token (exit 2) and prints its help', async () => {
    const refused = await runCli(['serve', '--host', '0.0.0.0', '--port', '0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^sitecrawl serve: --token: .*requires a token/);
    const help = await runCli(['serve', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--max-jobs N');
  });
});
