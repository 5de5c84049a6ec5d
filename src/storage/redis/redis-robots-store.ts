import type { Redis } from 'ioredis';
import type { CrawlKeys } from './crawl-keys.js';

/** A robots.txt answer as shared between workers: a status and body, or the code and message of a network failure. */
export type SharedRobots = { status: number; body: string } | { error: { code: string; message: string } };

/**
 * robots.txt per origin, shared by every worker of a crawl (hash `robots`): the first worker to need an origin takes
 * a lock (`SET NX` with an expiry, so a worker dying mid-fetch does not block the origin), fetches it and stores the
 * answer; the others wait for the answer instead of fetching it again.
 */
export class RedisRobotsStore {
  readonly #redis: Redis;
  readonly #keys: CrawlKeys;

  constructor(redis: Redis, keys: CrawlKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** The stored answer for `origin`, or `undefined`. */
  async get(origin: string): Promise<SharedRobots | undefined> {
    const text = await this.#redis.hget(this.#keys.robots, origin);
    return text === null ? undefined : (JSON.parse(text) as SharedRobots);
  }

  /** Takes the right to fetch `origin`'s robots.txt for `ms`; `false` when another worker holds it. */
  async lock(origin: string, worker: string, ms: number): Promise<boolean> {
    return (await this.#redis.set(this.#keys.robotsLock(origin), worker, 'PX', ms, 'NX')) === 'OK';
  }

  /** Stores the answer for `origin` and drops the lock. */
  async put(origin: string, robots: SharedRobots): Promise<void> {
    await this.#redis.multi().hset(this.#keys.robots, origin, JSON.stringify(robots)).del(this.#keys.robotsLock(origin)).exec();
  }
}
