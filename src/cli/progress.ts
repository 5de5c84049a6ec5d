import type { CrawlProgress } from '../crawler/progress.js';
import type { CrawlSummary } from '../crawler/crawl-run.js';
import { formatBytes } from '../format-bytes.js';

// Thousands separators by hand, as en-US formats integers: `Intl.NumberFormat` costs about 15 ms the first time a
// process builds one (ICU's locale data), which a crawl of a few hundred pages feels (issue 15).
const count = (value: number) => String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const pages = (value: number) => `${count(value)} ${value === 1 ? 'page' : 'pages'}`;

/** Elapsed time as `m:ss` (or `h:mm:ss`). */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  const pad = (value: number) => String(value).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** The one-line progress: a bar on a terminal, plain text otherwise. Pure. */
export function formatProgress(progress: CrawlProgress, width: number | undefined, suffix?: string): string {
  const text =
    `depth ${progress.depth} | ${pages(progress.pages)} | ${count(progress.failed)} errors | ` +
    `queue ${count(progress.queued + progress.inFlight)} | ${progress.pagesPerSecond.toFixed(1)} pages/s | ` +
    `${formatBytes(progress.bytes)} | ${formatElapsed(progress.elapsedMs)}${suffix ? ` | ${suffix}` : ''}`;
  if (width === undefined) return text;
  const total = progress.pages + progress.queued + progress.inFlight;
  const barWidth = Math.max(10, Math.min(30, width - text.length - 4));
  const filled = total === 0 ? 0 : Math.round((progress.pages / total) * barWidth);
  const line = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${text}`;
  return line.length > width - 1 ? line.slice(0, width - 1) : line;
}

function sortedEntries(record: Record<string, number>): string {
  return Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .map(([key, value]) => `${key} ${count(value)}`)
    .join(', ');
}

// Below these the note would be noise: a short crawl, or a limit that held back only now and then.
const MIN_HOST_BOUND_ELAPSED_MS = 1000;
const MIN_HOST_BOUND_SHARE = 0.5;

/** The share of the crawl's time the per-host limit held requests back, when it is worth telling the user. Pure. */
export function perHostBoundShare(summary: Pick<CrawlSummary, 'elapsedMs' | 'perHostBoundMs'>): number | undefined {
  if (summary.elapsedMs < MIN_HOST_BOUND_ELAPSED_MS) return undefined;
  const share = Math.min(1, summary.perHostBoundMs / summary.elapsedMs);
  return share >= MIN_HOST_BOUND_SHARE ? share : undefined;
}

/** The end-of-run summary, several lines; `stopReason` overrides the summary's own (a command's limit). Pure. */
export function formatSummary(summary: CrawlSummary, outputs: readonly string[], stopReason: string = summary.stopReason): string {
  const seconds = summary.elapsedMs / 1000;
  const lines = [
    `${stopReason === 'completed' ? 'Crawled' : `Stopped (${stopReason}) after`} ${pages(summary.pages)} ` +
      `in ${seconds.toFixed(1)} s (${summary.pagesPerSecond.toFixed(1)} pages/s), ${formatBytes(summary.bytes)}, ` +
      `${count(summary.failed)} failed`,
  ];
  for (const depth of summary.byDepth) lines.push(`  depth ${depth.depth}: ${pages(depth.pages)}${depth.failed ? ` (${count(depth.failed)} failed)` : ''}`);
  if (Object.keys(summary.errors).length > 0) lines.push(`Errors: ${sortedEntries(summary.errors)}`);
  if (Object.keys(summary.skipped).length > 0) lines.push(`Not followed: ${sortedEntries(summary.skipped)}`);
  const hostBound = perHostBoundShare(summary);
  if (hostBound !== undefined)
    lines.push(`Per-host limit reached ${Math.round(hostBound * 100)}% of the time: --per-host raises it (keep it low on sites that are not yours)`);
  for (const output of outputs) lines.push(`Wrote ${output}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Shows progress on stderr: a bar redrawn in place on a terminal, a plain line per tick otherwise. `clear` and
 * `redraw` let log lines pass without tearing the bar.
 */
export class ProgressDisplay {
  readonly #stream: NodeJS.WriteStream;
  readonly #isTty: boolean;
  readonly #suffix: ((progress: CrawlProgress) => string) | undefined;
  #line = '';

  /** `suffix` adds a command's own figures (images saved, links checked) to the line. */
  constructor(stream: NodeJS.WriteStream, suffix?: (progress: CrawlProgress) => string) {
    this.#stream = stream;
    this.#isTty = Boolean(stream.isTTY);
    this.#suffix = suffix;
  }

  /** How often the display wants snapshots, in ms. */
  get intervalMs(): number {
    return this.#isTty ? 200 : 5000;
  }

  update(progress: CrawlProgress): void {
    if (this.#isTty) {
      this.#line = formatProgress(progress, this.#stream.columns ?? 100, this.#suffix?.(progress));
      this.#stream.write(`\r\x1b[2K${this.#line}`);
    } else {
      this.#stream.write(`${formatProgress(progress, undefined, this.#suffix?.(progress))}\n`);
    }
  }

  /** Removes the bar so other text can be written. */
  clear(): void {
    if (this.#isTty && this.#line) this.#stream.write('\r\x1b[2K');
  }

  /** Draws the bar again after other text. */
  redraw(): void {
    if (this.#isTty && this.#line) this.#stream.write(this.#line);
  }

  /** Leaves the bar for good. */
  finish(): void {
    this.clear();
    this.#line = '';
  }
}
