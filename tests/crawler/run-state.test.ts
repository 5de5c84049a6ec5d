import { resolveOptions } from '../../src/index.js';
import { RESULT_OPTIONS, differingCommandOption, differingOption, resultOptions } from '../../src/crawler/result-options.js';
import { describe, expect, test } from '../helpers/fixtures.js';

const start = { startUrls: ['http://127.0.0.1/'] };

describe('resultOptions', () => {
  test('holds every result option as JSON, patterns as text and an unlimited maxPages as null', () => {
    const stored = resultOptions(resolveOptions({ ...start, include: ['^a', /b/i], exclude: [/x/] }));
    expect(Object.keys(stored).sort()).toEqual([...RESULT_OPTIONS].sort());
    expect(stored).toMatchObject({ include: ['^a', '/b/i'], exclude: ['x'], maxPages: null, maxDepth: 3, obeyRobots: true });
    expect(JSON.parse(JSON.stringify(stored))).toEqual(stored);
  });
});

describe('differingOption', () => {
  const base = resultOptions(resolveOptions(start));
  test.for([
    ['the same options', {}, undefined],
    ['a harmless option', { concurrency: 64, perHost: 1, workers: 0, retries: 5 }, undefined],
    ['another depth', { maxDepth: 1 }, 'maxDepth'],
    ['another start URL', { startUrls: ['http://127.0.0.1/other'] }, 'startUrls'],
    ['a maxPages', { maxPages: 10 }, 'maxPages'],
    ['an include pattern', { include: ['^/a'] }, 'include'],
    ['robots ignored', { obeyRobots: false }, 'obeyRobots'],
    ['another user agent', { userAgent: 'other' }, 'userAgent'],
    ['a normalization flag', { sortQuery: true }, 'sortQuery'],
  ] as const)('%s', ([, change, expected]) => {
    expect(differingOption(base, resultOptions(resolveOptions({ ...start, ...change })))).toBe(expected);
  });

  test('an option an older state did not record is not compared', () => {
    const { contentTypes: _omitted, ...older } = base;
    expect(differingOption(older, resultOptions(resolveOptions({ ...start, contentTypes: ['application/json'] })))).toBeUndefined();
  });
});

describe('differingCommandOption', () => {
  test.each([
    [{ minWidth: 3 }, { minWidth: 3 }, undefined],
    [{ minWidth: 3 }, { minWidth: 4 }, 'minWidth'],
    [{ types: ['png', 'gif'] }, { types: ['gif', 'png'] }, 'types'],
    [{}, { strict: true }, 'strict'],
    [{ strict: false }, {}, 'strict'],
  ] as const)('%j against %j: %s', (stored, current, expected) => {
    expect(differingCommandOption(stored, current)).toBe(expected);
  });
});
