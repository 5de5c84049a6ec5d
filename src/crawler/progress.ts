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
