import type { Logger } from 'pino';

/** Pages done and failed at one depth. */
export interface DepthProgress {
  depth: number;
  pages: number;
  failed: number;
}

/** A snapshot of a run, handed to `progress` listeners and returned (as the summary) by `run()`. */
export interface CrawlProgress {
  /** Pages fetched and recorded (failed ones included). */
  pages: number;
  /** Pages recorded with an error. */
  failed: number;
  /** URLs waiting in the frontier (this level and the next). */
  queued: number;
  /** Pages being loaded now. */
  inFlight: number;
  /** Body bytes read. */
  bytes: number;
  /** Records returned by parse(). */
  records: number;
  /** The depth being crawled. */
  depth: number;
  /** Per-depth counts, shallowest first. */
  byDepth: DepthProgress[];
  /** Failed pages by error code. */
  errors: Record<string, number>;
  /** Links and URLs not fetched, by reason. */
  skipped: Record<string, number>;
  /** Savers' own counters, as `<saver name>.<counter>` (`images.saved`, ...). */
  savers: Record<string, number>;
  elapsedMs: number;
  pagesPerSecond: number;
}

/** A listener of progress events. It observes only; one that throws is logged and the crawl goes on. */
export type ProgressListener = (progress: CrawlProgress) => void;

/** Calls progress listeners at a fixed rate while a run lasts, isolating the crawl from their failures. */
export class ProgressTicker {
  readonly #listeners: Set<ProgressListener>;
  readonly #snapshot: () => CrawlProgress;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;

  constructor(listeners: Set<ProgressListener>, snapshot: () => CrawlProgress, logger: Logger) {
    this.#listeners = listeners;
    this.#snapshot = snapshot;
    this.#logger = logger;
  }

  /** Starts ticking every `intervalMs`; the timer does not keep the process alive. */
  start(intervalMs: number): void {
    this.#timer = setInterval(() => this.emit(), intervalMs);
    this.#timer.unref();
  }

  /** Calls every listener once with a fresh snapshot. */
  emit(): void {
    if (this.#listeners.size === 0) return;
    const progress = this.#snapshot();
    for (const listener of this.#listeners) {
      try {
        listener(progress);
      } catch (error) {
        this.#logger.warn({ err: error }, 'a progress listener threw');
      }
    }
  }

  /** Stops ticking and emits the final snapshot. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.emit();
  }
}

/**
 * A progress snapshot from the run's counters (`pages`, `failed`, `bytes`, `records`, `depth.N.pages`,
 * `depth.N.failed`, `error.*`, `skip.*`, `saver.*`) and what the run loop knows. Pure.
 */
export function progressFrom(values: Record<string, number>, run: { queued: number; inFlight: number; depth: number; elapsedMs: number }): CrawlProgress {
  const pick = (prefix: string) =>
    Object.fromEntries(Object.entries(values).filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key.slice(prefix.length), value]));
  const byDepth = [];
  for (let depth = 0; values[`depth.${depth}.pages`] !== undefined; depth++)
    byDepth.push({ depth, pages: values[`depth.${depth}.pages`] ?? 0, failed: values[`depth.${depth}.failed`] ?? 0 });
  const pages = values['pages'] ?? 0;
  return {
    pages,
    failed: values['failed'] ?? 0,
    queued: run.queued,
    inFlight: run.inFlight,
    bytes: values['bytes'] ?? 0,
    records: values['records'] ?? 0,
    depth: run.depth,
    byDepth,
    errors: pick('error.'),
    skipped: pick('skip.'),
    savers: pick('saver.'),
    elapsedMs: run.elapsedMs,
    pagesPerSecond: run.elapsedMs > 0 ? (pages * 1000) / run.elapsedMs : 0,
  };
}
