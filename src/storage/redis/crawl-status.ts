import type { RedisCrawlState } from './redis-crawl-state.js';

/** A shared crawl as `sitecrawl status` shows it. */
export interface CrawlStatus {
  crawlId: string;
  command: string;
  /** `running` or `finished`. */
  status: string;
  stopReason: string | null;
  /** The depth being crawled (the level no worker may pass while it has pages in flight). */
  depth: number;
  /** Pages fetched and recorded (failed ones included), all workers together. */
  pages: number;
  failed: number;
  /** Requests waiting, per depth (depths with none left out). */
  queued: Record<string, number>;
  /** Requests claimed by a worker and not settled. */
  leased: number;
  /** URLs discovered. */
  seen: number;
  /** Workers whose heartbeat is recent (within `aliveMs`). */
  workersAlive: number;
  /** Failed pages by error code. */
  errors: Record<string, number>;
  /** Every counter of the crawl. */
  counters: Record<string, number>;
  startedAt: number | null;
  finishedAt: number | null;
}

/**
 * Reads a crawl's progress from Redis in one pipeline. `undefined` when no crawl has that id.
 * @param aliveMs a worker counts as alive when its last heartbeat is this recent
 */
export async function readCrawlStatus(state: RedisCrawlState, aliveMs: number): Promise<CrawlStatus | undefined> {
  const { redis, keys } = state;
  const meta = await redis.hgetall(keys.meta);
  if (Object.keys(meta).length === 0) return undefined;
  const depth = Number(meta['depth'] ?? 0);
  const [time, counterText, leased, seen] = await Promise.all([redis.time(), redis.hgetall(keys.counters), redis.zcard(keys.leases), redis.scard(keys.seen)]);
  const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
  const workersAlive = await redis.zcount(keys.workers, now - aliveMs, '+inf');
  const queued: Record<string, number> = {};
  const lengths = (await redis.hmget(keys.queued, String(depth), String(depth + 1))).map(Number);
  lengths.forEach((length, index) => {
    if (length > 0) queued[String(depth + index)] = length;
  });
  const counters = Object.fromEntries(Object.entries(counterText).map(([name, value]) => [name, Number(value)]));
  const errors = Object.fromEntries(Object.entries(counters).filter(([name]) => name.startsWith('error.')).map(([name, value]) => [name.slice(6), value]));
  return {
    crawlId: keys.crawlId,
    command: meta['command'] ?? '',
    status: meta['status'] ?? 'running',
    stopReason: meta['stopReason'] ?? null,
    depth,
    pages: counters['pages'] ?? 0,
    failed: counters['failed'] ?? 0,
    queued,
    leased,
    seen,
    workersAlive,
    errors,
    counters,
    startedAt: meta['startedAt'] ? Number(meta['startedAt']) : null,
    finishedAt: meta['finishedAt'] ? Number(meta['finishedAt']) : null,
  };
}
