/**
 * Every error sitecrawl raises or records. Each carries a stable `code` from a closed union so callers and tests can
 * branch on codes, never on message text. Underlying errors (undici `UND_ERR_*`, DNS, TLS) are kept as `cause`.
 */

/** Codes of failures that end one request (recorded on the page, the crawl goes on). */
export type FetchErrorCode =
  | 'timeout'
  | 'dns'
  | 'connect'
  | 'reset'
  | 'tls'
  | 'aborted'
  | 'redirect-loop'
  | 'too-many-redirects'
  | 'bad-redirect'
  | 'robots-disallowed'
  | 'blocked-address'
  | 'robots-unreachable'
  | 'before-request-failed'
  | 'network'
  | `http-${number}`;

/** Every code a sitecrawl error can carry. */
export type ErrorCode =
  | FetchErrorCode
  | 'invalid-option'
  | 'invalid-selector'
  | 'extractor-failed'
  | 'output-failed'
  | 'output-dir-unusable'
  | StateErrorCode
  | SharedStateErrorCode;

/**
 * Codes of a crawl state file (`OUT/state.db`) that cannot be used: `state-locked` (another process holds it),
 * `state-corrupt` (not a database, truncated or malformed), `state-incompatible` (written by a newer schema version).
 */
export type StateErrorCode = 'state-locked' | 'state-corrupt' | 'state-incompatible';

/**
 * Codes of a shared crawl state (Redis, `redis` option): `redis-unreachable` (no connection at the start: wrong URL,
 * server down, refused), `redis-lost` (the connection dropped mid-run and did not come back within the retry time),
 * `crawl-unknown` (no crawl of that id, for `export` and `status`), `crawl-gone` (the crawl's keys vanished mid-run:
 * cleared, or a Redis restarted without persistence).
 */
export type SharedStateErrorCode = 'redis-unreachable' | 'redis-lost' | 'crawl-unknown' | 'crawl-gone';

/** Base class of all sitecrawl errors. */
export class CrawlError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A bad option, start URL or output directory: raised before any request is made. */
export class OptionsError extends CrawlError {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super('invalid-option', message);
  }
}

/** One request failed: network, timeout, redirect trouble or an HTTP error status after retries. */
export class FetchError extends CrawlError {
  declare readonly code: FetchErrorCode;
  constructor(code: FetchErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** An extractor or a `parse()` override threw; the page is recorded as `extractor-failed` and the crawl goes on. */
export class ExtractorError extends CrawlError {
  constructor(
    readonly extractor: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super('extractor-failed', message, options);
  }
}

/**
 * A CSS selector passed to `page.select()`, `page.selectOne()` or a `SelectorExtractor` that does not parse, or uses
 * something css-select does not support (pseudo-elements such as `::text`, namespaces, unknown pseudo-classes).
 * The message names the selector; css-select's own error is the `cause`.
 */
export class SelectorError extends CrawlError {
  constructor(
    readonly selector: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super('invalid-selector', message, options);
  }
}

/** A dataset or output file could not be written: the run stops and `run()` rejects. */
export class OutputError extends CrawlError {
  constructor(message: string, options?: ErrorOptions) {
    super('output-failed', message, options);
  }
}

/**
 * An output directory cannot be used: not created (procfs, a file in the way, no permission, a read-only file system,
 * a dangling link), not a directory, or not writable. The message says why. The library reports it as an
 * `OptionsError` for `outDir`; the CLI prints it and exits 2.
 */
export class OutputDirError extends CrawlError {
  constructor(message: string) {
    super('output-dir-unusable', message);
  }
}

/** The persisted crawl state cannot be opened or read; the file is left as it was. */
export class StateError extends CrawlError {
  declare readonly code: StateErrorCode;
  constructor(
    code: StateErrorCode,
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** The `{ code, message }` pair stored in a record's `error` field. */
export interface RecordedError {
  code: string;
  message: string;
  /**
   * For `robots-unreachable` only: the code of the failure that made robots.txt unreachable (`dns`, `connect`,
   * `timeout`, `reset`, `tls`, `http-503`, ...).
   */
  cause?: string;
}

/** Turns anything thrown into the `{ code, message }` a record stores (with `cause` for `robots-unreachable`). */
export function toRecordedError(error: unknown): RecordedError {
  if (error instanceof CrawlError && error.code === 'robots-unreachable' && error.cause instanceof CrawlError)
    return { code: error.code, message: error.message, cause: error.cause.code };
  if (error instanceof CrawlError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: 'network', message: error.message };
  return { code: 'network', message: String(error) };
}

/** The shared crawl state (Redis) cannot be reached or read; what was written stays. */
export class SharedStateError extends CrawlError {
  declare readonly code: SharedStateErrorCode;
  constructor(code: SharedStateErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
