import { resolveOptions } from '../../src/index.js';
import { RESULT_OPTIONS, differingCommandOption, differingOption, resultOptions } from '../../src/crawler/result-options.js';
import { join } from 'node:path';
import { RunState } from '../../src/crawler/run-state.js';
import { CrawlStateDb } from '../../src/storage/sqlite/crawl-state-db.js';
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

describe('RunState.inProgress', () => {
  test('holds one of `concurrency` slots per unit until what the unit recorded is committed', async ({ tmp }) => {
    const db = CrawlStateDb.open(join(tmp, 'state.db'));
    let commits = 0;
    const commitBatch = db.commitBatch.bind(db);
    db.commitBatch = (batch) => {
      commits++;
      return commitBatch(batch);
    };
    const state = new RunState({ db, owned: true, command: 'crawl', commandOptions: undefined }, 2, () => ({ pages: 0, records: 0 }), () => 0, (error) => {
      throw error;
    });
    const saver = state.saverState();
    let running = 0;
    let peak = 0;
    const startedAfter: number[] = [];
    const units = Array.from({ length: 6 }, (_, n) =>
      state.inProgress(async () => {
        running++;
        peak = Math.max(peak, running);
        startedAfter.push(commits);
        await new Promise((resolve) => setImmediate(resolve));
        saver.images.add([{ url: `http://e.com/${n}.png`, outcome: 'saved', sha256: null, file: null }]);
        running--;
        return commits;
      }).then((before) => expect(commits).toBeGreaterThan(before)),
    );
    await Promise.all(units);
    expect(peak).toBe(2);
    // The third unit started only once the first two had their entries committed.
    expect(startedAfter.slice(2).every((after) => after >= 1)).toBe(true);
    expect(db.images.size()).toBe(6);
    state.close();
  });

  test('a unit that records nothing gives its slot back at once; a unit that throws gives it back too', async ({ tmp }) => {
    const db = CrawlStateDb.open(join(tmp, 'state.db'));
    const state = new RunState({ db, owned: true, command: 'crawl', commandOptions: undefined }, 1, () => ({ pages: 0, records: 0 }), () => 0, () => undefined);
    await expect(state.inProgress(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await state.inProgress(async () => 'done')).toBe('done');
    state.close();
  });
});
