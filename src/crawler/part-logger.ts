import type { Bindings, LogFn } from 'pino';

/**
 * What a run's fetch side (its page loader and robots.txt cache) logs through: a pino Logger, or a stand-in with the
 * same level methods and `child` (the CLI's `PendingLogger`, src/cli/pending-logger.ts, which holds lines until pino
 * has loaded, so that pino stays off the path to a crawl's first request).
 */
export interface PartLogger {
  child(bindings: Bindings): PartLogger;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}
