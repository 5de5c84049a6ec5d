import type { Redis } from 'ioredis';
import { fingerprint64 } from '../fingerprint.js';
import type { CrawlRequest } from '../frontier-store.js';
import type { SeenSet } from '../seen-set.js';
import { encodeEntry } from './crawl-keys.js';
import type { CrawlKeys } from './crawl-keys.js';
import { runScript } from './redis-connection.js';
import type { RedisArg } from './redis-connection.js';

const scratch = new Uint32Array(2);

/** The 8-byte fingerprint of a URL ({@link fingerprint64}, high word first) as a binary Redis string. */
export function urlFingerprint(url: string): Buffer {
  fingerprint64(url, scratch);
  const bytes = Buffer.allocUnsafe(8);
  bytes.writeUInt32BE(scratch[0] as number, 0);
  bytes.writeUInt32BE(scratch[1] as number, 4);
  return bytes;
}

/**
 * The shared seen-set: a Redis set of the URLs' 64-bit fingerprints (8-byte members: about 45 bytes of Redis memory
 * per URL, see docs/SCALING.md), with the collision trade-off of the in-memory `FingerprintSeenSet` (a collision
 * skips one URL, never fetches one twice). {@link admit} adds URLs and queues the new ones in one script, so no
 * worker dying between the two steps can lose a URL.
 */
export class RedisSeenSet implements SeenSet {
  readonly #redis: Redis;
  readonly #keys: CrawlKeys;
  #frozenSize: number | undefined;

  constructor(redis: Redis, keys: CrawlKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** For each URL, whether it is in the set (one SMISMEMBER). */
  async has(urls: readonly string[]): Promise<boolean[]> {
    if (urls.length === 0) return [];
    const found = await this.#redis.smismember(this.#keys.seen, ...urls.map(urlFingerprint));
    return found.map((value) => value === 1);
  }

  /** Adds the URLs in order; for each, `true` when it was not there before. */
  async add(urls: readonly string[]): Promise<boolean[]> {
    if (urls.length === 0) return [];
    const added = (await runScript(this.#redis, 'sitecrawlSeenAdd', [this.#keys.seen], urls.map(urlFingerprint))) as number[];
    return added.map((value) => value === 1);
  }

  /** URLs in the set; after {@link freeze}, the count it took. */
  async size(): Promise<number> {
    return this.#frozenSize ?? this.#redis.scard(this.#keys.seen);
  }

  /** Takes the set's size now, so {@link size} still answers once the connection is closed. */
  async freeze(): Promise<void> {
    this.#frozenSize = await this.#redis.scard(this.#keys.seen).catch(() => 0);
  }

  /**
   * Adds the requests' URLs to the set and queues those that were new, atomically (one script per depth; all
   * requests of one page share a depth). Returns the requests that were new and queued.
   */
  async admit(requests: readonly CrawlRequest[]): Promise<CrawlRequest[]> {
    const byDepth = new Map<number, CrawlRequest[]>();
    for (const request of requests) {
      let group = byDepth.get(request.depth);
      if (!group) byDepth.set(request.depth, (group = []));
      group.push(request);
    }
    const queued: CrawlRequest[] = [];
    for (const [depth, group] of byDepth) {
      const args: RedisArg[] = [this.#keys.prefix];
      for (const request of group) args.push(urlFingerprint(request.url), encodeEntry(depth, request.url, request.parent));
      const added = (await runScript(this.#redis, 'sitecrawlAdmit', [this.#keys.seen], args)) as number[];
      group.forEach((request, index) => {
        if (added[index] === 1) queued.push(request);
      });
    }
    return queued;
  }
}
