import { join } from 'node:path';
import { UsageError, integerFlag, joinNegativeValues, parseCrawlArgs } from '../../src/cli/args.js';
import type { FlagTable } from '../../src/cli/args.js';
import { parseAuditArgs } from '../../src/cli/audit-args.js';
import { parseImagesArgs } from '../../src/cli/images-command.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import { runCli } from '../helpers/run-process.js';

const URL_ = 'http://s.test/';
const PARSERS = { crawl: parseCrawlArgs, images: parseImagesArgs, audit: parseAuditArgs } as const;
type Command = keyof typeof PARSERS;

const CRAWL_NUMERIC = ['--depth', '--concurrency', '--per-host', '--delay', '--max-pages', '--timeout', '--retries', '--max-redirects', '--max-bytes', '--workers'];
const TIME_FLAGS = ['--delay', '--timeout'];
/** Every numeric flag of every command (images and audit take the crawl flags too). */
const NUMERIC_FLAGS: ReadonlyArray<readonly [Command, string]> = [
  ...CRAWL_NUMERIC.map((flag) => ['crawl', flag] as const),
  ...['--max-images', '--min-width', '--min-height', '--min-bytes', '--max-bytes', '--image-concurrency'].map((flag) => ['images', flag] as const),
  ...['--title-max', '--title-min'].map((flag) => ['audit', flag] as const),
];

function usageErrorOf(command: Command, args: string[]): UsageError {
  try {
    PARSERS[command]([URL_, ...args]);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`${command} accepted ${args.join(' ')}`);
}

describe('integerFlag', () => {
  test.each([
    ['0', 0, 0],
    ['7', 1, 7],
    ['007', 0, 7],
    [' 3 ', 0, 3],
    ['-0', 0, 0],
    ['9007199254740991', 0, Number.MAX_SAFE_INTEGER],
  ])('%j (min %d) is %d', (text, min, expected) => {
    expect(integerFlag('n', text, min)).toBe(expected);
  });

  test('no text is no value', () => {
    expect(integerFlag('n', undefined, 0)).toBeUndefined();
  });

  test.each([
    ['depth', '-1', 0, undefined, '--depth must be a whole number >= 0, got -1'],
    ['concurrency', '0', 1, undefined, '--concurrency must be a whole number >= 1, got 0'],
    ['depth', '1.5', 0, undefined, '--depth must be a whole number >= 0, got 1.5'],
    ['depth', '1e3', 0, undefined, '--depth must be a whole number >= 0, got 1e3'],
    ['depth', '', 0, undefined, '--depth must be a whole number >= 0, got ""'],
    ['depth', 'two levels', 0, undefined, '--depth must be a whole number >= 0, got "two levels"'],
    ['depth', '9007199254740992', 0, undefined, '--depth must be a whole number between 0 and 9007199254740991, got 9007199254740992'],
    ['timeout', '2147483648', 1, 2147483647, '--timeout must be a whole number between 1 and 2147483647, got 2147483648'],
    ['delay', '-5', 0, 2147483647, '--delay must be a whole number between 0 and 2147483647, got -5'],
  ])('--%s %j: %s', (flag, text, min, max, message) => {
    expect(() => integerFlag(flag, text, min, max)).toThrow(new UsageError(message));
  });
});

describe('joinNegativeValues', () => {
  const flags: FlagTable = { depth: { type: 'string', short: 'd' }, include: { type: 'string', multiple: true }, quiet: { type: 'boolean', short: 'q' } };
  test.each([
    [['-d', '-1'], ['--depth=-1']],
    [['--depth', '-1', 'u'], ['--depth=-1', 'u']],
    [['--depth', '-0.5'], ['--depth=-0.5']],
    [['--depth', '-.5'], ['--depth=-.5']],
    [['--include', '-1'], ['--include=-1']],
    [['--depth', '-q'], ['--depth', '-q']],
    [['--depth', '--quiet'], ['--depth', '--quiet']],
    [['-q', '-1'], ['-q', '-1']],
    [['--depth=-1'], ['--depth=-1']],
    [['--', '-d', '-1'], ['--', '-d', '-1']],
    [['-d'], ['-d']],
  ])('%j -> %j', (argv, expected) => {
    expect(joinNegativeValues(argv, flags)).toEqual(expected);
  });
});

describe('every numeric flag rejects what is not a whole number in range, naming the flag', () => {
  const BAD = ['-1', '-1.5', '1.5', '1e3', '', ' ', '0x10', '99999999999999999999'];
  test.each(NUMERIC_FLAGS.flatMap(([command, flag]) => BAD.map((value) => [command, flag, value] as const)))('%s %s %j', (command, flag, value) => {
    const error = usageErrorOf(command, [flag, value]);
    expect(error.message).toMatch(new RegExp(`^${flag} must be a whole number (>= \\d|between \\d)`));
    expect(error.message).not.toContain('\n');
  });

  test.each(TIME_FLAGS.flatMap((flag) => (['crawl', 'images', 'audit'] as const).map((command) => [command, flag] as const)))('%s %s above 2147483647 ms', (command, flag) => {
    expect(usageErrorOf(command, [flag, '2147483648']).message).toBe(`${flag} must be a whole number between ${flag === '--timeout' ? 1 : 0} and 2147483647, got 2147483648`);
    expect(() => PARSERS[command]([URL_, flag, '2147483647'])).not.toThrow();
  });

  test.each([['-d', '--depth'], ['-c', '--concurrency']])('the short form %s -1 names %s', (short, flag) => {
    expect(usageErrorOf('crawl', [short, '-1']).message).toMatch(new RegExp(`^${flag} must be a whole number >= \\d, got -1$`));
  });

  test('a value-taking flag followed by another option says the value is missing', () => {
    expect(usageErrorOf('crawl', ['--depth', '--quiet']).message).toBe('--depth needs a value (write --depth=VALUE for one that starts with -)');
  });
});

// Every flag is checked in-process above, through the same parse functions the CLI calls; a process start costs
// about half a second of CPU, so the built CLI runs one case per command and per kind of value.
describe('the built CLI: a bad number exits 2 with one line naming the flag, no request made', () => {
  const CASES: ReadonlyArray<readonly [Command, string, string]> = [
    ['crawl', '--max-pages', '-1'],
    ['images', '--min-width', '-1'],
    ['audit', '--title-max', '-1'],
    ['images', '-c', '-1'],
    ['audit', '-d', '-1'],
    ['crawl', '--timeout', '2147483648'],
  ];
  const LONG: Record<string, string> = { '-d': '--depth', '-c': '--concurrency' };

  test.for(CASES)('%s %s %s', async ([command, flag, value], { site, tmp }) => {
    const result = await runCli([command, site.url('/'), flag, value, '-o', join(tmp, 'out')]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^sitecrawl ${command}: ${LONG[flag] ?? flag} must be a whole number .*, got ${value}$`));
    expect(lines.slice(1)).toEqual([`Try 'sitecrawl ${command} --help'.`]);
    expect(site.requests).toHaveLength(0);
  });

  test('-d -1 says what is wrong', async ({ site, tmp }) => {
    const result = await runCli(['crawl', site.url('/'), '-d', '-1', '-o', join(tmp, 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('sitecrawl crawl: --depth must be a whole number >= 0, got -1');
  });
});
