import { formatSummary, perHostBoundShare } from '../../src/cli/progress.js';
import type { CrawlSummary } from '../../src/index.js';
import { describe, expect, test } from '../helpers/fixtures.js';

describe('the per-host note of the summary', () => {
  test.each([
    [10_000, 9_500, 0.95],
    [10_000, 5_000, 0.5],
    [10_000, 4_999, undefined],
    [999, 999, undefined],
    [1_000, 1_200, 1],
  ])('elapsed %i ms, bound %i ms: %s', (elapsedMs, perHostBoundMs, share) => {
    expect(perHostBoundShare({ elapsedMs, perHostBoundMs })).toBe(share);
  });

  const summary = (perHostBoundMs: number) =>
    ({ pages: 10, failed: 0, bytes: 0, elapsedMs: 10_000, pagesPerSecond: 1, byDepth: [], errors: {}, skipped: {}, stopReason: 'completed', perHostBoundMs }) as unknown as CrawlSummary;

  test('the line names --per-host when the limit held the crawl back most of the time', () => {
    expect(formatSummary(summary(9_500), [])).toContain('Per-host limit reached 95% of the time: --per-host raises it');
  });

  test('no line when it did not', () => {
    expect(formatSummary(summary(1_000), [])).not.toContain('Per-host');
  });
});
