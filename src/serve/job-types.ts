import type { CrawlProgress } from '../crawler/progress.js';

/** What a job does: the library's `Crawler` (crawl), `ImageSaver` crawl (images) or `AuditCrawler` (audit). */
export type JobMode = 'crawl' | 'images' | 'audit';

/**
 * Where a job is. `queued` waits for a slot (`--max-jobs`), `running` has a job process, `done` ended on its own,
 * `failed` could not run or stopped on an error, `cancelled` was stopped by `DELETE`, `interrupted` was running or
 * queued when the server stopped or crashed (and can be resumed).
 */
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

/** The state file of a job that can be resumed, in its folder. */
export const JOB_STATE_FILE = 'state.db';

/** The states a job does not leave on its own. */
export const FINAL_STATES: ReadonlySet<JobState> = new Set(['done', 'failed', 'cancelled', 'interrupted']);

/** The live figures of a job, from its last progress snapshot. */
export interface JobCounters {
  pages: number;
  queued: number;
  failed: number;
  imagesSaved: number;
  /** Failed pages plus failures of the savers (images that could not be downloaded, broken links). */
  errors: number;
  depth: number;
  pagesPerSecond: number;
}

/** One delivery attempt of a job's webhook. */
export interface WebhookAttempt {
  /** ISO time the attempt started. */
  at: string;
  /** The receiver's HTTP status, or null when no answer came. */
  status: number | null;
  /** Why the attempt failed (network error, timeout, refused address, non-2xx), or null on success. */
  error: string | null;
}

/** A job as the API shows it and as `job.json` stores it. */
export interface Job {
  id: string;
  mode: JobMode;
  urls: string[];
  /** The library options given, under the library's names (defaults are not filled in). */
  options: Record<string, unknown>;
  state: JobState;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  counters: JobCounters;
  /** The run's summary when it ended: the library's `CrawlSummary` (plus `audit`, the report summary, in audit mode). */
  summary: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  webhook: { url: string; attempts: WebhookAttempt[] } | null;
  /** Outputs of the job, relative to its folder (`GET /api/crawls/:id/files/<path>`), present once written. */
  files: Record<string, string>;
  /** How many times the job was resumed. */
  resumes: number;
}

/** The counters of a job that has not reported progress yet. */
export const ZERO_COUNTERS: Readonly<JobCounters> = Object.freeze({ pages: 0, queued: 0, failed: 0, imagesSaved: 0, errors: 0, depth: 0, pagesPerSecond: 0 });

/** The job counters of a progress snapshot. Pure. */
export function countersOf(progress: CrawlProgress): JobCounters {
  const saver = (name: string) => progress.savers[name] ?? 0;
  const saverFailures = Object.entries(progress.savers)
    .filter(([name]) => name === 'links.broken' || /^images\.rejected\.(http-|timeout|dns|connect|reset|tls|network|blocked-address)/.test(name))
    .reduce((sum, [, value]) => sum + value, 0);
  return {
    pages: progress.pages,
    queued: progress.queued,
    failed: progress.failed,
    imagesSaved: saver('images.saved'),
    errors: progress.failed + saverFailures,
    depth: progress.depth,
    pagesPerSecond: Math.round(progress.pagesPerSecond * 10) / 10,
  };
}
