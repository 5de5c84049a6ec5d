import type { Logger } from 'pino';
import { OptionsError, SharedStateError } from '../errors.js';
import type { CrawlRequest } from '../storage/frontier-store.js';
import type { RedisCrawlState, SettledPage, SharedRecord } from '../storage/redis/redis-crawl-state.js';
import { RedisHostGate } from '../storage/redis/redis-host-gate.js';
import { runOnceTask } from '../storage/redis/redis-once-task.js';
import { RedisQuota } from '../storage/redis/redis-quota.js';
import { toSharedStateError } from '../storage/redis/redis-connection.js';
import { abortableDelay } from './limiter.js';
import type { PageRecord } from './page-record.js';
import { differingCommandOption, differingOption, resultOptions } from './result-options.js';
import { CRAWL_COMMAND, NEW_RUN } from './run-state.js';
import type { StartPoint } from './run-state.js';
import type { ResolvedOptions } from './options.js';
import { SettleCounter } from './settle-counter.js';

/** How a taken request ended on this worker: fetched and written, skipped for good (robots.txt), or cut by a stop. */
export type Settlement = { record: PageRecord; records: readonly Record<string, unknown>[] } | 'skipped' | 'aborted';

/**
 * The command a shared crawl runs (`crawl`, `images`, `audit`) and that command's own options that change its result,
 * keyed by their CLI flag: stored with the crawl by its first worker, and a joining worker of another command or
 * with another value is refused.
 */
export interface SharedCommand {
  name: string;
  options: Readonly<Record<string, unknown>>;
}

// Where the command's options sit in the stored options object.
const COMMAND_OPTIONS = 'commandOptions';

/** What a shared run is built with. */
export interface SharedRunOptions {
  /** Requests in flight on this worker. */
  concurrency: number;
  /** How long a claimed request stays this worker's without renewal, in ms. */
  leaseMs: number;
  /** The Redis URL (for messages) and how long a lost connection is retried. */
  url: string;
  retryMs: number;
  logger: Logger;
  /** The command this worker runs; `crawl` with no options of its own when not given. */
  command?: SharedCommand | undefined;
}

/** How a worker begins: a crawl it started or joined, or one that had already finished. */
export type SharedBegin = { kind: 'new' | 'joined' } | { kind: 'finished'; stopReason: 'completed' | 'max-pages' };

/**
 * Where a shared worker's run starts, in the engine's terms: a finished crawl as finished, else at depth 0 (the shared
 * frontier, not this process, knows the depth; {@link SharedRun.crawl} follows it). Pure.
 */
export function sharedStart(begun: SharedBegin): StartPoint {
  return begun.kind === 'finished' ? { ...NEW_RUN, kind: 'finished', stopReason: begun.stopReason } : NEW_RUN;
}

// The once-per-crawl task that admits the sitemaps' URLs as seeds (the audit's own reading is `sitemaps`).
const SEEDS_TASK = 'sitemap-seeds';

// While the level waits on other workers' pages, ask again after this long, doubling up to the maximum.
const FIRST_WAIT_MS = 20;
const MAX_WAIT_MS = 250;
// Claimed requests wait behind this worker's own pages: when none of those settles for this long, the waiting ones go
// back to the shared queue, so a worker held up by slow pages does not keep work other workers could do now.
const HOLD_MS = 1_000;

/** Whether one of `inFlight` settled within `ms` (false: the time ran out first). Rethrows a task's failure. */
async function settledWithin(inFlight: SettleCounter, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([inFlight.settleOne().then(() => true), timeUp]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * This process as one worker of a crawl shared through Redis (the `redis` option): claims requests of the current
 * depth with leases (renewed while it works), settles them in batches (one MULTI per turn of the event loop: results,
 * leases, counters), gives back what it still holds when it stops, and shares per-host slots and robots.txt with the
 * other workers. The level coordination, maxPages and lease expiry live in the Redis scripts (see
 * `storage/redis/redis-scripts.ts`).
 */
export class SharedRun {
  readonly state: RedisCrawlState;
  readonly hostGate: RedisHostGate;
  readonly #options: SharedRunOptions;
  /** Requests leased by this worker and not settled: url -> lease entry. */
  readonly #own = new Map<string, string>();
  #pending: SettledPage[] = [];
  /** Records the savers shared since the last batch. */
  #shared: SharedRecord[] = [];
  /** The batch `#pending` goes out with: resolved once Redis has it (or it failed: the failure ends the run). */
  #batch: { done: Promise<void>; resolve: () => void } | undefined;
  /** Per settled URL, the promise of its batch being in Redis. */
  readonly #acks = new Map<string, Promise<void>>();
  #timer: NodeJS.Immediate | undefined;
  #flushes: Promise<void> = Promise.resolve();
  #renewer: NodeJS.Timeout | undefined;
  /** The savers' shared limits (see {@link quota}). */
  readonly #quotas: RedisQuota[] = [];
  #onError: (error: unknown) => void = () => undefined;

  constructor(state: RedisCrawlState, options: SharedRunOptions) {
    this.state = state;
    this.#options = options;
    this.hostGate = new RedisHostGate(state.redis, state.keys, state.worker, options.leaseMs);
  }

  /** Sets who is told of a failure that must end this worker (the connection lost for good). */
  onFailure(handler: (error: unknown) => void): void {
    this.#onError = handler;
  }

  /**
   * Starts the crawl (seeding the normalized start URLs) or joins it. A joining worker's result options must equal
   * the stored ones; a worker that finds the crawl finished does nothing.
   * @throws OptionsError naming the first differing option, or `redis` when the crawl id holds another command.
   */
  async begin(options: ResolvedOptions, normalize: (url: string) => string | null): Promise<SharedBegin> {
    const startUrls = [...new Set(options.startUrls.map(normalize).filter((url): url is string => url !== null))];
    const command = this.#options.command ?? { name: CRAWL_COMMAND, options: {} };
    const current = resultOptions(options);
    const start = await this.#guard(this.state.begin(command.name, { ...current, [COMMAND_OPTIONS]: command.options }, options.maxPages, startUrls));
    if (start.kind !== 'new') {
      const id = this.state.keys.crawlId;
      if (start.command !== command.name)
        throw new OptionsError('redis', `The crawl ${id} is a \`${start.command}\` run, not \`${command.name}\`: join it with \`sitecrawl ${start.command}\`, or use another --crawl-id`);
      const stored = (start.options[COMMAND_OPTIONS] ?? {}) as Record<string, unknown>;
      const differing = differingOption(start.options, current) ?? differingCommandOption(stored, command.options);
      if (differing !== undefined) {
        const [was, got] = differing in current ? [start.options[differing], current[differing]] : [stored[differing], command.options[differing]];
        throw new OptionsError(
          differing,
          `The crawl ${id} was started with \`${differing}\` ${JSON.stringify(was) ?? 'unset'}, got ${JSON.stringify(got) ?? 'unset'}: join it with the same value, or use another --crawl-id`,
        );
      }
      if (start.kind === 'finished') {
        const reason = await this.state.redis.hget(this.state.keys.meta, 'stopReason');
        return { kind: 'finished', stopReason: reason === 'max-pages' ? 'max-pages' : 'completed' };
      }
    }
    this.#renewer = setInterval(() => void this.#renew(), Math.max(50, Math.floor(this.#options.leaseMs / 3)));
    this.#renewer.unref();
    await this.#renew();
    return { kind: start.kind };
  }

  /**
   * Claims and processes requests until the crawl ends (every level done, or maxPages) or `halted()` turns true;
   * waits for its own requests to settle before returning. Returns how the crawl ended, or `undefined` when this
   * worker stopped first.
   */
  async crawl(process: (request: CrawlRequest) => Promise<void>, halted: () => boolean, onDepth: (depth: number) => void): Promise<'completed' | 'max-pages' | undefined> {
    const concurrency = this.#options.concurrency;
    const inFlight = new SettleCounter();
    // Claimed and not started yet: a claim fetches up to a window ahead, so it is one round trip per `concurrency` pages.
    const held: CrawlRequest[] = [];
    // A page holds its slot until Redis has its settlement: at most `concurrency` pages are requested and unsettled,
    // so a worker killed at any moment leaves at most that many pages to be fetched again.
    const start = (request: CrawlRequest) =>
      inFlight.track(process(request).then(() => {
        const ack = this.#acks.get(request.url);
        this.#acks.delete(request.url);
        return ack;
      }));
    let waitMs = FIRST_WAIT_MS;
    let ended: 'completed' | 'max-pages' | undefined;
    while (!halted()) {
      if (inFlight.size >= concurrency) {
        if (held.length === 0) await inFlight.settleOne();
        else if (!(await settledWithin(inFlight, HOLD_MS))) await this.#giveBack(held.splice(0));
        continue;
      }
      const next = held.shift();
      if (next) {
        start(next);
        continue;
      }
      this.#flush();
      const claim = await this.#guard(this.state.frontier.claim(2 * concurrency - inFlight.size, this.#options.leaseMs));
      if (claim.kind === 'claimed') {
        waitMs = FIRST_WAIT_MS;
        onDepth(claim.depth);
        for (const request of claim.requests) {
          this.#own.set(request.url, request.entry);
          held.push({ url: request.url, depth: request.depth, parent: request.parent });
        }
        continue;
      }
      if (claim.kind === 'finished') {
        // A saver's quota ended the crawl (another worker saved the last image): its saver stops this run, as the
        // limit stops one process.
        if (claim.stopReason === 'max-pages' || claim.stopReason === 'completed') ended = claim.stopReason;
        else for (const quota of this.#quotas) quota.noteStop(claim.stopReason);
        break;
      }
      if (claim.kind === 'gone')
        throw new SharedStateError('crawl-gone', `The crawl ${this.state.keys.crawlId} is gone from Redis (cleared, or Redis restarted without its data)`);
      // The level's other pages are in flight here or elsewhere: wait for one of ours, or a moment.
      onDepth(claim.depth);
      if (inFlight.size > 0) await Promise.race([inFlight.settleOne(), abortableDelay(waitMs)]);
      else await abortableDelay(waitMs);
      waitMs = Math.min(waitMs * 2, MAX_WAIT_MS);
    }
    await inFlight.settleAll();
    return ended;
  }

  /** Gives claimed requests this worker has not started back to the head of their queues, for any worker to claim. */
  async #giveBack(requests: readonly CrawlRequest[]): Promise<void> {
    const entries: string[] = [];
    for (const request of requests) {
      const entry = this.#own.get(request.url);
      if (entry === undefined) continue;
      this.#own.delete(request.url);
      entries.push(entry);
    }
    const back = await this.#guard(this.state.frontier.release(entries));
    this.#options.logger.debug({ requests: back }, 'gave requests waiting behind slow pages back to the shared frontier');
  }

  /** Records how a claimed request ended; settled with the next batch (this turn of the event loop), whose reply frees the page's slot in {@link crawl}. */
  settled(request: CrawlRequest, how: Settlement): void {
    if (how === 'aborted') return;
    const entry = this.#own.get(request.url);
    if (entry === undefined) return;
    this.#own.delete(request.url);
    this.#pending.push(
      how === 'skipped'
        ? { entry, kind: 'skipped', url: request.url }
        : { entry, kind: 'fetched', url: request.url, page: JSON.stringify(how.record), records: JSON.stringify(how.records) },
    );
    if (!this.#batch) {
      let resolve = () => undefined as void;
      const done = new Promise<void>((settle) => (resolve = settle));
      this.#batch = { done, resolve };
    }
    this.#acks.set(request.url, this.#batch.done);
    this.#timer ??= setImmediate(() => this.#flush());
  }

  /** Hands a saver's record to the shared crawl (see `SaverContext.share`); sent with the next batch. */
  share(kind: string, record: Record<string, unknown>): void {
    this.#shared.push({ kind, record: JSON.stringify(record) });
    this.#timer ??= setImmediate(() => this.#flush());
  }

  /**
   * A limit of a saver counted for all workers together (see `SaverContext.quota` and {@link RedisQuota}); its
   * reservations are renewed with this worker's leases.
   */
  async quota(name: string, max: number): Promise<RedisQuota> {
    const quota = new RedisQuota(this.state.redis, this.state.keys, name, max, this.#options.leaseMs);
    this.#quotas.push(quota);
    await this.#guard(quota.refresh());
    return quota;
  }

  /** Runs a saver's task once for all workers (see `SaverContext.once` and `runOnceTask`). */
  once<T>(name: string, run: (publish: (items: readonly unknown[]) => Promise<void>) => Promise<T>, onItems: (items: readonly unknown[]) => void, signal: AbortSignal): Promise<T | undefined> {
    const state = this.state;
    return this.#guard(runOnceTask({ redis: state.redis, keys: state.keys, worker: state.worker, leaseMs: this.#options.leaseMs, name, run, onItems, signal }));
  }

  /**
   * Admits the crawl's seeds beyond its start URLs (the sitemaps' page URLs) once for all workers, before this worker
   * claims a page: the first worker to ask runs `seed` (its admissions are atomic and idempotent), the others wait
   * until it is done. As every worker waits here, no worker takes a page of depth 0 (nor advances the depth) before
   * every seed is in the frontier, as one process seeds before its first level. A runner that dies lets its lease run
   * out and a waiting worker runs `seed` again from the start; one stopped (Ctrl-C) hands it over at once.
   * Resolves once the seeds are in (or this worker was stopped while waiting).
   */
  async seedOnce(seed: () => Promise<number>, signal: AbortSignal): Promise<void> {
    await this.once(SEEDS_TASK, async () => ({ queued: await seed() }), () => undefined, signal);
  }

  /**
   * Settles what is pending, gives back the requests this worker still holds (claimed and not fetched, or cut by a
   * stop) to the head of their queues, leaves the workers' set and closes the connection. Errors are logged: a
   * worker that cannot reach Redis any more leaves its leases to expire.
   */
  async end(): Promise<void> {
    clearInterval(this.#renewer);
    try {
      this.#flush();
      await this.#flushes;
      const back = await this.state.frontier.release([...this.#own.values()]);
      if (back > 0) this.#options.logger.info({ requests: back }, 'gave unfinished requests back to the shared frontier');
      this.#own.clear();
      await this.state.leave();
    } catch (error) {
      this.#options.logger.warn({ err: (error as Error).message }, 'could not hand back this worker\'s leases; they expire on their own');
    } finally {
      await this.state.close();
    }
  }

  #flush(): void {
    if (this.#timer) clearImmediate(this.#timer);
    this.#timer = undefined;
    const pages = this.#pending;
    const shared = this.#shared;
    if (pages.length === 0 && shared.length === 0 && !this.state.counters.isDirty) return;
    this.#pending = [];
    this.#shared = [];
    const batch = this.#batch;
    this.#batch = undefined;
    const settled = this.#guard(this.state.settle(pages, shared))
      .catch((error: unknown) => this.#onError(error))
      .finally(() => batch?.resolve());
    this.#flushes = Promise.all([this.#flushes, settled]).then(() => undefined);
  }

  async #renew(): Promise<void> {
    try {
      const held: (readonly [string, string])[] = [...this.hostGate.held].map(([token, host]) => [this.state.keys.host(host), token]);
      for (const quota of this.#quotas) held.push(...quota.held());
      await this.#guard(this.state.renew([...this.#own.values()], held, this.#options.leaseMs));
    } catch (error) {
      clearInterval(this.#renewer);
      this.#onError(error);
    }
  }

  /** Maps a lost connection to `redis-lost`. */
  async #guard<T>(operation: Promise<T>): Promise<T> {
    try {
      return await operation;
    } catch (error) {
      throw toSharedStateError(error, this.#options.url, this.#options.retryMs);
    }
  }
}
