import type { ResolvedOptions } from './options.js';

/**
 * The options that change what a run finds: stored with a persisted run and compared when it is resumed. The others
 * (concurrency, per-host limits, delays, timeouts, retries, workers, logging) may differ between the runs.
 */
export const RESULT_OPTIONS = [
  'startUrls', 'maxDepth', 'scope', 'include', 'exclude', 'maxPages', 'sortQuery', 'stripQuery', 'stripParams', 'obeyRobots', 'userAgent',
  'followNofollow', 'maxUrlLength', 'maxRepeatedSegments', 'contentTypes', 'sitemaps',
] as const;

/** A regular expression as stored: its source, or `/source/flags` when it has flags. Pure. */
const patternText = (pattern: RegExp) => (pattern.flags ? `/${pattern.source}/${pattern.flags}` : pattern.source);

/**
 * The {@link RESULT_OPTIONS} of resolved options as JSON-ready values (patterns as text, an unlimited `maxPages` as
 * `null`): what a persisted run stores, and what the CLI's `--resume` turns back into options. Pure.
 */
export function resultOptions(options: ResolvedOptions): Record<string, unknown> {
  return {
    startUrls: [...options.startUrls],
    maxDepth: options.maxDepth,
    scope: options.scope,
    include: options.include.map(patternText),
    exclude: options.exclude.map(patternText),
    maxPages: Number.isFinite(options.maxPages) ? options.maxPages : null,
    sortQuery: options.sortQuery,
    stripQuery: options.stripQuery,
    stripParams: [...options.stripParams],
    obeyRobots: options.obeyRobots,
    userAgent: options.userAgent,
    followNofollow: options.followNofollow,
    maxUrlLength: options.maxUrlLength,
    maxRepeatedSegments: options.maxRepeatedSegments,
    contentTypes: [...options.contentTypes],
    sitemaps: [...options.sitemaps],
  };
}

/**
 * The first result option whose stored value differs from the current one, or `undefined` when they all match. An
 * option the stored run did not record (an older state) is not compared. Pure.
 */
export function differingOption(stored: Record<string, unknown>, current: Record<string, unknown>): string | undefined {
  return RESULT_OPTIONS.find((name) => name in stored && JSON.stringify(stored[name]) !== JSON.stringify(current[name]));
}

/** The key of the stored options that holds the command's own ({@link PersistOptions.commandOptions}). */
export const COMMAND_OPTIONS = 'commandOptions';

/**
 * The first of the command's own options whose stored value differs from the current one, or `undefined`. A key
 * either side lacks counts as `undefined` there. Pure.
 */
export function differingCommandOption(stored: Readonly<Record<string, unknown>>, current: Readonly<Record<string, unknown>>): string | undefined {
  return [...new Set([...Object.keys(stored), ...Object.keys(current)])].find((name) => JSON.stringify(stored[name]) !== JSON.stringify(current[name]));
}
