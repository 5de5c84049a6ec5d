import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CrawlKeys, encodeEntry } from './crawl-keys.js';
import { connectRedis, runScript } from './redis-connection.js';
import type { RedisArg, RedisConnectOptions } from './redis-connection.js';
import { RedisCounters } from './redis-counters.js';
import { RedisFrontierStore } from './redis-frontier-store.js';
import { RedisRobotsStore } from './redis-robots-store.js';
import { RedisSeenSet, urlFingerprint } from './redis-seen-set.js';

/** How a worker's start went: it started the crawl, joined it, or found it finished. */
export type SharedStart =
  | { kind: 'new' }
  | { kind: 'joined' | 'finished'; command: string; options: Record<string, unknown> };

/** One page settled by a worker: its lease entry and, when it was fetched, what it produced. */
export interface SettledPage {
  entry: string;
  /** `fetched` (its record is stored) or `skipped` (robots.txt refused it: not a page, its reservation goes back). */
  kind: 'fetched' | 'skipped';
  url: string;
  /** The page record and the parse() records, as JSON text; for `fetched` pages. */
  page?: string;
  records?: string;
}

/** A record a saver shared (see `SaverContext.share`): its kind and the record as JSON text. */
export interface SharedRecord {
  kind: string;
  record: string;
}

/** What the stream `results` holds per fetched page. */
export interface StoredResult {
  url: string;
  page: string;
  records: string;
}

/**
 * The state of one crawl shared through Redis by any number of workers (processes, machines): the frontier with
 * leases, the seen-set, the counters, robots.txt per origin, the per-host slots, the workers' heartbeats, the stored
 * options, and the results stream. Keys are listed in {@link CrawlKeys}; docs/SCALING.md says what each holds.
 * Built by {@link open}; {@link close} ends the connection.
 */
export class RedisCrawlState {
  readonly keys: CrawlKeys;
  readonly frontier: RedisFrontierStore;
  readonly seen: RedisSeenSet;
  readonly counters = new RedisCounters();
  readonly robots: RedisRobotsStore;
  /** This worker's id: host, pid and a random part. */
  readonly worker = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly redis: Redis;
  #closed = false;

  private constructor(redis: Redis, crawlId: string) {
    this.redis = redis;
    this.keys = new CrawlKeys(crawlId);
    this.frontier = new RedisFrontierStore(redis, this.keys);
    this.seen = new RedisSeenSet(redis, this.keys);
    this.robots = new RedisRobotsStore(redis, this.keys);
  }

  /**
   * Connects (see {@link connectRedis}) to the crawl `crawlId`; nothing is written until {@link begin}.
   * @throws SharedStateError `redis-unreachable`
   */
  static async open(options: RedisConnectOptions & { crawlId: string }): Promise<RedisCrawlState> {
    return new RedisCrawlState(await connectRedis(options), options.crawlId);
  }

  /**
   * Starts the crawl (stores the command and options, seeds the start URLs) unless it exists; then returns what is
   * stored, for the caller to compare. One script, so two first workers cannot both start it.
   */
  async begin(command: string, options: Record<string, unknown>, maxPages: number, startUrls: readonly string[]): Promise<SharedStart> {
    const keys = this.keys;
    const args: RedisArg[] = [keys.prefix, command, JSON.stringify(options), Number.isFinite(maxPages) ? maxPages : -1];
    for (const url of startUrls) args.push(urlFingerprint(url), encodeEntry(0, url, null));
    const reply = (await runScript(this.redis, 'sitecrawlInit', [keys.meta, keys.seen], args)) as unknown[];
    if (reply[0] === 1) return { kind: 'new' };
    const stored = { command: String(reply[1]), options: JSON.parse(String(reply[2]) || '{}') as Record<string, unknown> };
    return { kind: reply[3] === 'running' ? 'joined' : 'finished', ...stored };
  }

  /** Whether the crawl has keys in Redis (it was started and not cleared). */
  async exists(): Promise<boolean> {
    return (await this.redis.exists(this.keys.meta)) === 1;
  }

  /**
   * Settles pages in one MULTI: their results enter the stream, their leases are dropped (a page whose lease expired
   * meanwhile is taken out of the queue again), skipped pages give their maxPages reservation back, and the counters
   * changed since the last flush are added. Either all of it is applied or none.
   */
  async settle(pages: readonly SettledPage[], shared: readonly SharedRecord[] = []): Promise<void> {
    if (pages.length === 0 && shared.length === 0 && !this.counters.isDirty) return;
    const keys = this.keys;
    const multi = this.redis.multi();
    for (const item of shared) multi.xadd(keys.shared, '*', 'kind', item.kind, 'record', item.record);
    for (const page of pages)
      if (page.kind === 'fetched') multi.xadd(keys.results, '*', 'url', page.url, 'page', page.page ?? 'null', 'records', page.records ?? '[]');
    const fetched = pages.filter((page) => page.kind === 'fetched').map((page) => page.entry);
    const skipped = pages.filter((page) => page.kind === 'skipped').map((page) => page.entry);
    if (fetched.length > 0) runScript(multi, 'sitecrawlSettle', [keys.meta, keys.leases], [keys.prefix, '0', ...fetched]);
    if (skipped.length > 0) runScript(multi, 'sitecrawlSettle', [keys.meta, keys.leases], [keys.prefix, '1', ...skipped]);
    this.counters.flushInto(multi, keys.counters);
    const replies = await multi.exec();
    const failed = replies?.find(([error]) => error);
    if (failed) throw failed[0];
  }

  /**
   * Renews this worker's leases and its other held members (host slots, quota reservations: pairs of a sorted set's
   * key, under this crawl's prefix, and a member) for `leaseMs` from now, and records its heartbeat.
   */
  async renew(entries: readonly string[], held: Iterable<readonly [key: string, member: string]>, leaseMs: number): Promise<void> {
    const prefix = this.keys.prefix;
    const args: RedisArg[] = [prefix, leaseMs, this.worker, entries.length, ...entries];
    for (const [key, member] of held) if (key.startsWith(prefix)) args.push(key.slice(prefix.length), member);
    await runScript(this.redis, 'sitecrawlRenew', [this.keys.leases, this.keys.workers], args);
  }

  /** Drops this worker from the heartbeat set (it stopped). */
  async leave(): Promise<void> {
    await this.redis.zrem(this.keys.workers, this.worker);
  }

  /** Reads the results stream in order, `count` entries per round trip. */
  async *results(count = 1000): AsyncGenerator<StoredResult> {
    let start = '-';
    for (;;) {
      const entries = await this.redis.xrange(this.keys.results, start, '+', 'COUNT', count);
      for (const [, fields] of entries) {
        const record: Record<string, string> = {};
        for (let index = 0; index + 1 < fields.length; index += 2) record[fields[index] as string] = fields[index + 1] as string;
        yield { url: record['url'] ?? '', page: record['page'] ?? 'null', records: record['records'] ?? '[]' };
      }
      const last = entries.at(-1);
      if (!last || entries.length < count) return;
      start = `(${last[0]}`;
    }
  }

  /** Reads the stream of records the savers shared, in order, `count` entries per round trip. */
  async *sharedRecords(count = 1000): AsyncGenerator<SharedRecord> {
    let start = '-';
    for (;;) {
      const entries = await this.redis.xrange(this.keys.shared, start, '+', 'COUNT', count);
      for (const [, fields] of entries) {
        const item: Record<string, string> = {};
        for (let index = 0; index + 1 < fields.length; index += 2) item[fields[index] as string] = fields[index + 1] as string;
        yield { kind: item['kind'] ?? '', record: item['record'] ?? 'null' };
      }
      const last = entries.at(-1);
      if (!last || entries.length < count) return;
      start = `(${last[0]}`;
    }
  }

  /** The command the crawl was started with (`crawl`, `images`, `audit`) and its stored options. */
  async command(): Promise<{ name: string; options: Record<string, unknown> }> {
    const [name, options] = await this.redis.hmget(this.keys.meta, 'command', 'options');
    return { name: name ?? 'crawl', options: JSON.parse(options || '{}') as Record<string, unknown> };
  }

  /** Removes every key of the crawl (SCAN, then DEL in batches); returns how many were removed. */
  async clear(): Promise<number> {
    let removed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.keys.prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) removed += await this.redis.del(...keys);
    } while (cursor !== '0');
    return removed;
  }

  /** Ends the connection (waiting for replies in flight). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.redis.status === 'ready') await this.seen.freeze();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
