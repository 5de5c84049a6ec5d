import { describe, expect, test } from 'vitest';
import { OptionsError } from '../../src/errors.js';
import { DEFAULTS, MAX_TIMER_MS, resolveOptions } from '../../src/crawler/options.js';
import type { CrawlerOptions } from '../../src/crawler/options.js';
import type { PageRecord } from '../../src/crawler/page-record.js';
import { MemoryDataset } from '../../src/storage/dataset.js';
import { MemoryFrontierStore } from '../../src/storage/frontier-store.js';
import { MemorySeenSet } from '../../src/storage/seen-set.js';
import { LinkExtractor } from '../../src/extractors/links.js';

const START = ['http://example.com/'];

/** Resolves untyped input (as JavaScript callers and the CLI may pass) and returns the OptionsError it throws. */
function rejectionOf(input: Record<string, unknown>): OptionsError {
  try {
    resolveOptions(input as unknown as CrawlerOptions);
  } catch (error) {
    if (error instanceof OptionsError) return error;
    throw error;
  }
  throw new Error('resolveOptions accepted the input');
}

describe('resolveOptions defaults', () => {
  test('fills every default', () => {
    const resolved = resolveOptions({ startUrls: START });
    expect(resolved).toMatchObject({ ...DEFAULTS, startUrls: START });
    expect(resolved).toMatchObject({
      include: [],
      exclude: [],
      stripParams: [],
      contentTypes: [],
      extractors: [],
      outDir: undefined,
      pages: undefined,
      records: undefined,
      signal: undefined,
      logger: undefined,
      frontierStore: undefined,
      seenSet: undefined,
    });
  });

  test('the default maxPages is Infinity', () => {
    expect(resolveOptions({ startUrls: START }).maxPages).toBe(Number.POSITIVE_INFINITY);
  });

  test('the default userAgent names sitecrawl', () => {
    expect(resolveOptions({ startUrls: START }).userAgent).toMatch(/^sitecrawl\//);
  });

  test('returns a frozen object', () => {
    const resolved = resolveOptions({ startUrls: START });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(() => {
      (resolved as { maxDepth: number }).maxDepth = 9;
    }).toThrow(TypeError);
  });

  test('an explicit undefined takes the default', () => {
    expect(resolveOptions({ startUrls: START, maxDepth: undefined }).maxDepth).toBe(DEFAULTS.maxDepth);
  });

  test('keeps given values', () => {
    const given = {
      maxDepth: 0,
      concurrency: 2,
      perHost: 1,
      delayMs: 250,
      scope: 'domain',
      maxPages: 10,
      retries: 0,
      obeyRobots: false,
      format: 'csv',
      logLevel: 'silent',
      stripParams: ['utm_*'],
      outDir: 'out',
    } as const;
    const resolved = resolveOptions({ startUrls: START, ...given, stripParams: [...given.stripParams], contentTypes: ['Application/JSON'] });
    expect(resolved).toMatchObject({ ...given, contentTypes: ['application/json'] });
  });

  test('does not keep the caller\'s arrays', () => {
    const stripParams = ['a'];
    const resolved = resolveOptions({ startUrls: START, stripParams });
    stripParams.push('b');
    expect(resolved.stripParams).toEqual(['a']);
  });

  test('accepts storage, writers, extractors and a signal', () => {
    const pages = new MemoryDataset<PageRecord>();
    const frontierStore = new MemoryFrontierStore();
    const seenSet = new MemorySeenSet();
    const extractor = new LinkExtractor();
    const signal = new AbortController().signal;
    const resolved = resolveOptions({ startUrls: START, pages, records: new MemoryDataset(), frontierStore, seenSet, extractors: [extractor], signal });
    expect(resolved.pages).toBe(pages);
    expect(resolved.frontierStore).toBe(frontierStore);
    expect(resolved.seenSet).toBe(seenSet);
    expect(resolved.extractors).toEqual([extractor]);
    expect(resolved.signal).toBe(signal);
  });
});

describe('resolveOptions start URLs', () => {
  test.each([
    [['http://Example.COM'], ['http://example.com/']],
    [['https://example.com/a?b=1'], ['https://example.com/a?b=1']],
    [['http://a.example/', 'http://b.example/x'], ['http://a.example/', 'http://b.example/x']],
  ])('accepts %j as %j', (startUrls, expected) => {
    expect(resolveOptions({ startUrls }).startUrls).toEqual(expected);
  });

  test.each<[string, unknown]>([
    ['missing', undefined],
    ['an empty array', []],
    ['a string instead of an array', 'http://example.com/'],
    ['a relative URL', ['/docs/']],
    ['a host without scheme', ['example.com']],
    ['an ftp URL', ['ftp://example.com/']],
    ['a mailto URL', ['mailto:a@example.com']],
    ['a non-string', [42]],
    ['null inside', [null]],
    ['an empty string', ['']],
    ['one bad URL among good ones', ['http://example.com/', 'not a url']],
  ])('rejects %s', (_name, startUrls) => {
    const error = rejectionOf({ startUrls });
    expect(error.code).toBe('invalid-option');
    expect(error.option).toBe('startUrls');
  });
});

describe('resolveOptions rejects bad values', () => {
  test.each<[string, unknown]>([
    ['maxDepth', -1],
    ['maxDepth', 1.5],
    ['maxDepth', '3'],
    ['maxDepth', Number.NaN],
    ['maxDepth', Number.POSITIVE_INFINITY],
    ['concurrency', 0],
    ['concurrency', 1.5],
    ['perHost', 0],
    ['perHost', -2],
    ['delayMs', -1],
    ['delayMs', 0.5],
    ['maxPages', 0],
    ['maxPages', 2.5],
    ['maxPages', Number.NEGATIVE_INFINITY],
    ['timeoutMs', 0],
    ['retries', -1],
    ['retryDelayMs', -1],
    ['maxRetryAfterMs', -1],
    ['maxRedirects', -1],
    ['maxBytes', 0],
    ['maxUrlLength', 15],
    ['maxRepeatedSegments', 0],
    ['stopGraceMs', -1],
    ['progressIntervalMs', 9],
    ['obeyRobots', 'yes'],
    ['followNofollow', 1],
    ['sortQuery', 'true'],
    ['stripQuery', 0],
    ['scope', 'site'],
    ['scope', 'HOST'],
    ['format', 'json'],
    ['format', 'CSV'],
    ['logLevel', 'verbose'],
    ['userAgent', ''],
    ['userAgent', '   '],
    ['userAgent', 'bot\r\nX-Injected: 1'],
    ['userAgent', 7],
    ['stripParams', 'utm_*'],
    ['stripParams', ['']],
    ['stripParams', [1]],
    ['contentTypes', 'application/json'],
    ['include', '/blog/'],
    ['include', [42]],
    ['include', ['(unclosed']],
    ['exclude', ['[a-']],
    ['extractors', [{}]],
    ['extractors', {}],
    ['outDir', ''],
    ['outDir', 5],
    ['pages', {}],
    ['records', { write() {} }],
    ['logger', {}],
    ['signal', {}],
    ['frontierStore', { push() {} }],
    ['seenSet', { has() {} }],
  ])('%s = %j gives invalid-option naming it', (option, value) => {
    const error = rejectionOf({ startUrls: START, [option]: value });
    expect(error).toBeInstanceOf(OptionsError);
    expect(error.code).toBe('invalid-option');
    expect(error.option).toBe(option);
    expect(error.name).toBe('OptionsError');
  });

  test.each([['maxdepth'], ['per_host'], ['ignoreRobots'], ['startUrl']])('rejects the unknown key %s, naming it', (key) => {
    const error = rejectionOf({ startUrls: START, [key]: 1 });
    expect(error.code).toBe('invalid-option');
    expect(error.option).toBe(key);
  });

  test.each([['null', null], ['a string', 'http://example.com/']])('rejects %s as the options object', (_name, input) => {
    expect(() => resolveOptions(input as unknown as CrawlerOptions)).toThrow(OptionsError);
  });
});

describe('resolveOptions edge values', () => {
  test.each<[string, number]>([
    ['maxDepth', 0],
    ['delayMs', 0],
    ['retries', 0],
    ['maxRedirects', 0],
    ['maxPages', 1],
    ['maxPages', Number.POSITIVE_INFINITY],
    ['maxUrlLength', 16],
    ['progressIntervalMs', 10],
    ['stopGraceMs', 0],
  ])('accepts %s = %d', (option, value) => {
    expect(resolveOptions({ startUrls: START, [option]: value })[option as keyof CrawlerOptions]).toBe(value);
  });
});

describe('resolveOptions patterns', () => {
  test('compiles include and exclude strings to RegExps', () => {
    const resolved = resolveOptions({ startUrls: START, include: ['/blog/\\d+'], exclude: ['\\?print=1$'] });
    expect(resolved.include).toHaveLength(1);
    expect(resolved.include[0]).toBeInstanceOf(RegExp);
    expect(resolved.include[0]?.test('http://example.com/blog/12')).toBe(true);
    expect(resolved.exclude[0]?.test('http://example.com/a?print=1')).toBe(true);
  });

  test('keeps RegExps as given', () => {
    const pattern = /blog/i;
    expect(resolveOptions({ startUrls: START, include: [pattern, 'x'] }).include[0]).toBe(pattern);
  });
});

describe('resolveOptions bounds', () => {
  const TIMES = ['delayMs', 'timeoutMs', 'retryDelayMs', 'maxRetryAfterMs', 'stopGraceMs', 'progressIntervalMs'] as const;
  const COUNTS = ['maxDepth', 'concurrency', 'perHost', 'maxPages', 'retries', 'maxRedirects', 'maxBytes', 'maxUrlLength', 'maxRepeatedSegments', 'workers'] as const;

  test('the largest time is the largest setTimeout delay', () => {
    expect(MAX_TIMER_MS).toBe(2 ** 31 - 1);
  });

  // Node runs a timer longer than 2^31-1 ms after 1 ms: such a timeout failed every request at once.
  test.each(TIMES)('%s above 2147483647 ms gives invalid-option naming it', (option) => {
    const error = rejectionOf({ startUrls: START, [option]: MAX_TIMER_MS + 1 });
    expect(error.code).toBe('invalid-option');
    expect(error.option).toBe(option);
  });

  test.each(TIMES)('%s = 2147483647 is accepted', (option) => {
    expect(resolveOptions({ startUrls: START, [option]: MAX_TIMER_MS })[option]).toBe(MAX_TIMER_MS);
  });

  test('the message states the range', () => {
    expect(rejectionOf({ startUrls: START, timeoutMs: 2147483648 }).message).toBe('Expected `timeoutMs` to be an integer between 1 and 2147483647, got 2147483648');
  });

  test.each(['startDelayMs', 'maxDelayMs'])('autoThrottle.%s above 2147483647 ms gives invalid-option', (key) => {
    const error = rejectionOf({ startUrls: START, autoThrottle: { [key]: MAX_TIMER_MS + 1 } });
    expect(error.option).toBe('autoThrottle');
    expect(resolveOptions({ startUrls: START, autoThrottle: { [key]: MAX_TIMER_MS } }).autoThrottle).toMatchObject({ [key]: MAX_TIMER_MS });
  });

  test('autoThrottle.targetConcurrency must be finite', () => {
    expect(rejectionOf({ startUrls: START, autoThrottle: { targetConcurrency: Number.POSITIVE_INFINITY } }).option).toBe('autoThrottle');
  });

  // Past 2^53-1 integers are no longer exact: 1e21 is a typo, not a limit.
  test.each(COUNTS.flatMap((option) => [[option, 1e21], [option, Number.MAX_SAFE_INTEGER + 1]] as const))('%s = %d gives invalid-option', (option, value) => {
    expect(rejectionOf({ startUrls: START, [option]: value }).option).toBe(option);
  });

  test.each(COUNTS)('%s = 2^53-1 is accepted', (option) => {
    expect(resolveOptions({ startUrls: START, [option]: Number.MAX_SAFE_INTEGER })[option]).toBe(Number.MAX_SAFE_INTEGER);
  });
});
