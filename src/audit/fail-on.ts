import type { FailOn } from './options.js';
import { FAIL_ON_LEVELS } from './options.js';

/** Counts of what an audit found, by list. */
export interface FindingCounts {
  broken: number;
  fragmentIssues: number;
  mixedContent: number;
  redirects: number;
  sitemapIssues: number;
  titleIssues: number;
  metaIssues: number;
  contentTypeIssues: number;
  orphans: number;
}

/** A level of severity; `broken` is the most severe. */
export type FindingLevel = Exclude<FailOn, 'none'>;

/** Which lists count at which level (a level also fails on everything more severe). */
export const LEVEL_OF: Readonly<Record<keyof FindingCounts, FindingLevel>> = {
  broken: 'broken',
  fragmentIssues: 'broken',
  mixedContent: 'broken',
  redirects: 'redirects',
  sitemapIssues: 'redirects',
  titleIssues: 'titles',
  metaIssues: 'titles',
  contentTypeIssues: 'titles',
  orphans: 'titles',
};

/** The most severe level with at least one finding, or `null` when nothing was found. Pure. */
export function worstLevel(counts: FindingCounts): FindingLevel | null {
  let worst: FindingLevel | null = null;
  for (const [list, level] of Object.entries(LEVEL_OF) as [keyof FindingCounts, FindingLevel][]) {
    if (counts[list] > 0 && (worst === null || FAIL_ON_LEVELS.indexOf(level) < FAIL_ON_LEVELS.indexOf(worst))) worst = level;
  }
  return worst;
}

/**
 * Whether findings at `worst` fail an audit run with `failOn`: anything at or above the level does (`titles` fails
 * on titles, redirects and broken links; `none` never fails). Pure.
 */
export function failsAt(worst: FindingLevel | null, failOn: FailOn): boolean {
  return failOn !== 'none' && worst !== null && FAIL_ON_LEVELS.indexOf(worst) <= FAIL_ON_LEVELS.indexOf(failOn);
}
