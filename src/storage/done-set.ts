import type { MaybePromise } from './frontier-store.js';

/** One image URL the image saver is done with. */
export interface ImageDone {
  url: string;
  /**
   * `saved` (a new file), `existing` (its file was already there), `duplicate` (content already saved from another
   * URL), or the code of why not (`too-small`, `http-404`, ...).
   */
  outcome: string;
  /** SHA-256 of the content, hex; `null` when not saved. */
  sha256: string | null;
  /** The file, relative to the output directory; `null` when not saved. */
  file: string | null;
}

/** An image file being written by a persisted run, recorded (and committed) before it goes under its final name. */
export interface ImageWrite {
  url: string;
  /** The file, relative to the output directory. */
  file: string;
  /** The image's whole manifest record (a `SavedImageRecord`), JSON-serializable. */
  record: Readonly<Record<string, unknown>>;
}

/**
 * The image files a persisted run has begun to put in place and not yet recorded as done. An entry is durable before
 * its file goes under its final name and is dropped when the image's entry enters the done-set, so after a kill at any
 * moment every file that landed without its outcome recorded is listed here, with its record: a resume adopts it
 * rather than downloading it again.
 */
export interface ImageWriteLog {
  /** Records that `entry.file` is about to be written; durable once it returns (it commits). */
  writing(entry: ImageWrite): MaybePromise<void>;
  /** The entries whose image has no done-entry yet. */
  entries(): MaybePromise<readonly ImageWrite[]>;
}

/** One URL the audit's link checker is done with. */
export interface LinkCheckDone {
  url: string;
  /** The verdict (`ok`, `broken`, `unverifiable`, ...). */
  outcome: string;
  /** Status of the last answer; `null` when none came. */
  status: number | null;
  /** The checker's full result (redirects, anchors, ...), JSON-serializable, so a resumed report is complete. */
  result: unknown;
}

/**
 * What a saver is done with in a persisted run, by URL, so a resumed run does that work no more. Entries added are
 * kept with the run's next commit (the batch of pages settling then), so after a kill the set holds exactly what was
 * committed. Implemented by each state backend (`SqliteImageDoneSet`, ...).
 */
export interface DoneSet<E extends { url: string }> {
  /** The entry of `url`, or `undefined` when the run is not done with it. */
  get(url: string): MaybePromise<E | undefined>;
  /** Records entries (a later entry for the same URL replaces the earlier); durable with the next commit. */
  add(entries: readonly E[]): void;
  /** Entries stored; with `outcome`, those of that outcome only. */
  size(outcome?: string): MaybePromise<number>;
}

/** A download an extractor asked for, with the page it came from: what a persisted run hands its savers again. */
export interface LoggedDownload {
  /** Final URL of the page that asked for it, and its depth. */
  page: string;
  depth: number;
  kind: string;
  url: string;
  /** The extractor's `data`, JSON-serializable. */
  data?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The downloads of every page a persisted run committed as done, in order. A page's downloads are written with the
 * commit that marks it done, so a resumed run hands the savers what the pages done before the kill asked for (the
 * savers' done-sets skip what they finished), and a page fetched again adds its own.
 */
export interface DownloadLog {
  /** Records downloads; durable with the next commit. */
  add(entries: readonly LoggedDownload[]): void;
  /** Every download recorded, in the order recorded. */
  entries(): Iterable<LoggedDownload> | AsyncIterable<LoggedDownload>;
}

/**
 * What savers of a persisted run finished once for the whole run (the audit's sitemap scan), by name, so a resumed
 * run does not do it again. A value set is kept with the run's next commit.
 */
export interface SaverResults {
  /** The value stored under `name` (JSON), or `undefined`. */
  get(name: string): MaybePromise<unknown>;
  /** Stores a JSON-serializable value under `name`; durable with the next commit. */
  set(name: string, value: unknown): void;
}
