import { dirname } from 'node:path';
import { OptionsError } from '../errors.js';
import { prepareOutputDir } from '../storage/output-dir.js';
import type { SaverState } from '../extractors/saver.js';
import type { DoneSet, ImageWrite, LoggedDownload } from '../storage/done-set.js';
import { CrawlStateDb } from '../storage/sqlite/crawl-state-db.js';
import type { PersistOptions, ResolvedOptions } from './options.js';
import { COMMAND_OPTIONS, differingCommandOption, differingOption, resultOptions } from './result-options.js';
import type { FrontierStore } from '../storage/frontier-store.js';
import type { RunCounters } from '../storage/counters.js';
import type { OutputOffsets } from './outputs.js';
import type { SkipReason } from './page-record.js';
import type { RobotsResponse } from './robots.js';
import { WorkSlots } from './work-slots.js';

/** The command a persisted crawl records in its state's `run` row. */
export const CRAWL_COMMAND = 'crawl';

// Counters of the state that are not the crawl's: where the output files ended at the last commit, and why a finished
// run stopped.
const PAGES_OFFSET = 'output.pages';
const RECORDS_OFFSET = 'output.records';
const STOPPED_AT_MAX_PAGES = 'stopped.max-pages';

/** An opened persisted state: the database, whether the run closes it, and which command's run it holds. */
export interface OpenedState {
  db: CrawlStateDb;
  owned: boolean;
  command: string;
  commandOptions: Readonly<Record<string, unknown>> | undefined;
}

/** Opens the state file `persist` names (creating its directory), or takes the database given. */
export async function openStateDb(persist: Readonly<PersistOptions> | CrawlStateDb): Promise<OpenedState> {
  if (persist instanceof CrawlStateDb) return { db: persist, owned: false, command: CRAWL_COMMAND, commandOptions: undefined };
  await prepareOutputDir(dirname(persist.path));
  return { db: CrawlStateDb.open(persist.path), owned: true, command: persist.command ?? CRAWL_COMMAND, commandOptions: persist.commandOptions };
}

/** How a persisted run begins: a new run, the continuation of an unfinished one, or a finished one. */
export type RunStart =
  | { kind: 'new' }
  | { kind: 'resume'; depth: number; offsets: OutputOffsets }
  | { kind: 'finished'; stopReason: 'completed' | 'max-pages' };

/** Where a run begins (see {@link RunState.start}); a run without a state always starts {@link NEW_RUN}. */
export interface StartPoint {
  kind: 'new' | 'resume' | 'finished';
  /** The depth to crawl first. */
  depth: number;
  /** Pages counted before (a stored run's maxPages counts every part of it). */
  pages: number;
  /** Requests waiting at that depth and the next. */
  queued: number;
  /** Where the output files are cut back to (a resume). */
  offsets?: OutputOffsets;
  /** How a finished run ended. */
  stopReason?: 'completed' | 'max-pages';
}

/** The start of a run without a stored one. */
export const NEW_RUN: StartPoint = Object.freeze({ kind: 'new', depth: 0, pages: 0, queued: 0 });

/** Wraps a done-set so that what is added gets committed soon, even when no page settles then. */
function committing<E extends { url: string }>(set: DoneSet<E>, changed: () => void): DoneSet<E> {
  return {
    get: (url) => set.get(url),
    add: (entries) => {
      set.add(entries);
      changed();
    },
    size: (outcome) => set.size(outcome),
  };
}

/**
 * The crawl's side of a persisted state: starts or resumes the run, collects the pages settled since the last commit
 * and commits them together, once per turn of the event loop (so one transaction holds every page that settled in
 * it, never one per URL), with where the output files end. A page is handed to {@link done} only after its lines are
 * in the files, so a committed page is always in pages.jsonl, and a resume cuts the files back to the committed
 * offsets: what was written after the last commit belongs to pages fetched again.
 */
export class RunState {
  readonly db: CrawlStateDb;
  readonly #owned: boolean;
  readonly #command: string;
  readonly #commandOptions: Readonly<Record<string, unknown>> | undefined;
  #downloads: LoggedDownload[] = [];
  #resumed = false;
  readonly #offsets: () => OutputOffsets;
  readonly #depth: () => number;
  readonly #onError: (error: unknown) => void;
  #pending: string[] = [];
  #timer: NodeJS.Immediate | undefined;
  /** Told when the commit asked for by {@link changed} is made. */
  #onCommit: Array<() => void> = [];
  readonly #slots: WorkSlots;

  /**
   * @param concurrency units of work in progress at once (see {@link inProgress}): the run's `concurrency`
   * @param offsets where the output files end now
   * @param depth the depth being crawled now
   * @param onError told when a commit fails (the run stops)
   */
  constructor(state: OpenedState, concurrency: number, offsets: () => OutputOffsets, depth: () => number, onError: (error: unknown) => void) {
    this.db = state.db;
    this.#slots = new WorkSlots(concurrency);
    this.#owned = state.owned;
    this.#command = state.command;
    this.#commandOptions = state.commandOptions;
    this.#offsets = offsets;
    this.#depth = depth;
    this.#onError = onError;
  }

  /**
   * Records a new run (committed with its seeds, by the run's first {@link commit}), or checks that the stored one is the same crawl and marks it running again.
   * @throws OptionsError when the stored run is another command's, or one of its {@link RESULT_OPTIONS} differs.
   */
  begin(options: ResolvedOptions): RunStart {
    const db = this.db;
    const current: Record<string, unknown> = { ...resultOptions(options), ...(this.#commandOptions ? { [COMMAND_OPTIONS]: this.#commandOptions } : {}) };
    const stored = db.run.get();
    if (!stored) {
      // Committed by the run once its seeds (start URLs, sitemap entries) are in the frontier: a run killed before
      // that leaves no state to resume, rather than one with a partial frontier.
      db.run.start(this.#command, current);
      return { kind: 'new' };
    }
    const fresh = `remove ${db.path} (the CLI: --overwrite) to start afresh`;
    if (stored.command !== this.#command)
      throw new OptionsError('persist', `The crawl state ${db.path} holds a \`${stored.command}\` run, not a \`${this.#command}\` run: ${fresh}`);
    const storedOptions = (stored.options ?? {}) as Record<string, unknown>;
    const mismatch = (name: string, was: unknown, now: unknown) =>
      new OptionsError(name, `The crawl state ${db.path} was started with \`${name}\` ${JSON.stringify(was)}, got ${JSON.stringify(now)}: resume with the same value, or ${fresh}`);
    const differing = differingOption(storedOptions, current);
    if (differing !== undefined) throw mismatch(differing, storedOptions[differing], current[differing]);
    const storedCommand = (storedOptions[COMMAND_OPTIONS] ?? {}) as Record<string, unknown>;
    const currentCommand = this.#commandOptions ?? {};
    const differingOwn = differingCommandOption(storedCommand, currentCommand);
    if (differingOwn !== undefined) throw mismatch(differingOwn, storedCommand[differingOwn], currentCommand[differingOwn]);
    this.#resumed = true;
    const counters = db.counters;
    if (stored.status === 'finished') return { kind: 'finished', stopReason: counters.get(STOPPED_AT_MAX_PAGES) > 0 ? 'max-pages' : 'completed' };
    db.run.setStatus('running');
    db.commit();
    return { kind: 'resume', depth: stored.depth, offsets: { pages: counters.get(PAGES_OFFSET), records: counters.get(RECORDS_OFFSET) } };
  }

  /**
   * Begins the run (see {@link begin}) and says where it starts: for a resume, the stored depth, the pages counted
   * and the requests waiting at that depth and the next.
   * @throws OptionsError as {@link begin}.
   */
  async start(options: ResolvedOptions, frontier: FrontierStore, counters: RunCounters): Promise<StartPoint> {
    const begun = this.begin(options);
    if (begun.kind === 'new') return NEW_RUN;
    if (begun.kind === 'finished') return { ...NEW_RUN, kind: 'finished', stopReason: begun.stopReason };
    const queued = (await frontier.size(begun.depth)) + (await frontier.size(begun.depth + 1));
    return { kind: 'resume', depth: begun.depth, pages: counters.get('pages'), queued, offsets: begun.offsets };
  }

  /**
   * Ends the run's use of the state: a run that refused it or found it finished (`outcome` undefined) leaves it as it
   * was; otherwise the run is recorded `finished`, or `interrupted` when it was stopped or failed.
   */
  finish(outcome: 'completed' | 'max-pages' | 'interrupted' | undefined, stopped: boolean): void {
    if (outcome === undefined) this.close();
    else this.end(stopped ? 'interrupted' : outcome);
  }

  /**
   * Marks a taken request settled (its page written, or skipped for good), with the downloads its page asked for;
   * committed at the end of this turn.
   */
  done(url: string, downloads?: readonly LoggedDownload[]): void {
    this.#pending.push(url);
    if (downloads?.length) this.#downloads.push(...downloads);
    this.changed();
  }

  /** Asks for a commit at the end of this turn (a saver recorded work). */
  changed(): void {
    this.#timer ??= setImmediate(() => {
      this.#timer = undefined;
      try {
        this.commit();
      } catch (error) {
        this.#onError(error);
      }
    });
  }

  /** Commits the settled pages, the depth and the output offsets now. */
  commit(): void {
    if (this.#timer) clearImmediate(this.#timer);
    this.#timer = undefined;
    const done = this.#pending;
    const downloads = this.#downloads;
    this.#pending = [];
    this.#downloads = [];
    try {
      const counters = this.db.counters;
      const offsets = this.#offsets();
      counters.increment(PAGES_OFFSET, offsets.pages - counters.get(PAGES_OFFSET));
      counters.increment(RECORDS_OFFSET, offsets.records - counters.get(RECORDS_OFFSET));
      this.db.commitBatch({ done, downloads, depth: this.#depth() });
    } finally {
      // A failed commit fails the run; whoever waited for it goes on to see that.
      this.#committed();
    }
  }

  /**
   * Runs one unit of work (a page with its redirects, an image download, a link check) while holding one of the
   * run's `concurrency` work slots: from before its first request until what it recorded in the state is committed.
   * So at most `concurrency` units are started and not committed at any moment, and a run killed at any moment does
   * at most that many units again when resumed (each whole: a redirected page from its first URL). Nothing that holds
   * a slot waits for another slot (a unit never waits for another unit; the limiter, robots.txt and the parse pool
   * take none), so slots cannot deadlock.
   */
  async inProgress<T>(task: () => Promise<T>): Promise<T> {
    await this.#slots.acquire();
    try {
      return await task();
    } finally {
      // Everything the unit recorded asked for the commit pending now (or was committed already).
      if (this.#timer) await this.#nextCommit();
      this.#slots.release();
    }
  }

  /** Asks for a commit at the end of this turn and resolves once it is made. */
  #nextCommit(): Promise<void> {
    this.changed();
    return new Promise((resolve) => this.#onCommit.push(resolve));
  }

  #committed(): void {
    const waiting = this.#onCommit;
    if (waiting.length === 0) return;
    this.#onCommit = [];
    for (const resolve of waiting) resolve();
  }

  /** What the savers keep their work in: the state's done-sets (committed soon after each add) and seen-set. */
  saverState(): SaverState {
    const db = this.db;
    const changed = () => this.changed();
    const resumed = () => this.#resumed;
    return {
      get resumed() {
        return resumed();
      },
      seen: db.seen,
      results: {
        get: (name) => db.saverResults.get(name),
        set: (name, value) => {
          db.saverResults.set(name, value);
          changed();
        },
      },
      images: committing(db.images, changed),
      linkChecks: committing(db.linkChecks, changed),
      imageWrites: {
        // Committed (with this turn's batch) before the file goes under its final name, so a kill right after the
        // rename leaves it listed. Not committed at once: a commit between a page's lines and its `done` would store
        // file lengths that include a page the resume fetches again.
        writing: (entry: ImageWrite) => {
          db.imageWrites.add(entry);
          return this.#nextCommit();
        },
        entries: () => db.imageWrites.entries(),
      },
      inProgress: (task) => this.inProgress(task),
    };
  }

  /**
   * Wraps the crawl's redirect admission: a target it admits is recorded as claimed by the request (committed with the
   * next batch), and a target already seen is followed all the same when the same request claimed it before a stop
   * (the request is fetched again, and must end where it did).
   */
  acceptRedirect(accept: (url: string) => Promise<SkipReason | undefined>): (url: string, from: string) => Promise<SkipReason | undefined> {
    return async (url, from) => {
      const skipped = await accept(url);
      if (skipped === undefined) this.db.redirectClaims.add(from, url);
      else if (skipped === 'seen' && this.#resumed && this.db.redirectClaims.has(from, url)) return undefined;
      return skipped;
    };
  }

  /** The downloads of the pages committed as done before this process, for the savers of a resumed run. */
  loggedDownloads(): LoggedDownload[] {
    return this.db.downloads.entries();
  }

  /**
   * Commits what is left and records how the run ended: `finished` (the crawl completed or reached maxPages) or
   * `interrupted` (stopped, or failed); then closes the database if the run opened it.
   */
  end(outcome: 'completed' | 'max-pages' | 'interrupted'): void {
    try {
      this.commit();
      if (outcome === 'max-pages') this.db.counters.increment(STOPPED_AT_MAX_PAGES);
      this.db.run.setStatus(outcome === 'interrupted' ? 'interrupted' : 'finished');
      this.db.commit();
    } finally {
      this.close();
    }
  }

  /** Closes the database if the run opened it, committing what is pending. Idempotent. */
  close(): void {
    if (this.#timer) clearImmediate(this.#timer);
    this.#timer = undefined;
    try {
      if (this.#owned) this.db.close();
    } finally {
      this.#committed();
    }
  }
}

/**
 * Wraps a robots.txt loader so answers come from the state's `robots` table when it has one for the origin, and
 * answers fetched are stored there (committed with the next batch): a resumed run does not ask again. Network
 * failures are not stored, so a resume tries again. The Crawl-delay is parsed again from the stored body.
 */
export function persistedRobotsLoader(db: CrawlStateDb, load: (robotsUrl: string) => Promise<RobotsResponse>): (robotsUrl: string) => Promise<RobotsResponse> {
  return async (robotsUrl) => {
    const origin = new URL(robotsUrl).origin;
    const stored = db.robots.get(origin);
    if (stored && stored.status !== null) return { status: stored.status, body: stored.body ?? '' };
    const response = await load(robotsUrl);
    if ('status' in response) {
      try {
        db.robots.put(origin, { status: response.status, body: response.body, error: null, crawlDelayMs: null, fetchedAt: Date.now() });
      } catch {
        // The state was closed meanwhile (the run ended): the answer is still used, only not kept.
      }
    }
    return response;
  };
}
