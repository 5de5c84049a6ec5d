/** What a crawl id may be: letters, digits, `.`, `_` and `-`, 1 to 100 of them. */
export const CRAWL_ID = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * The Redis keys of one crawl, all under `sitecrawl:{ID}:` (the braces are a hash tag: a Redis Cluster keeps them in
 * one slot, so the scripts may touch any of them). Pure.
 */
export class CrawlKeys {
  readonly prefix: string;
  /** Hash: command, options (JSON), status, stopReason, depth, reserved, maxPages, startedAt, finishedAt. */
  readonly meta: string;
  /** Sorted set: leased queue entries, scored by lease expiry (server ms). */
  readonly leases: string;
  /** Hash: the crawl's counters (pages, failed, bytes, skip.*, error.*, depth.N.pages, ...). */
  readonly counters: string;
  /** Set: 8-byte fingerprints of every URL discovered. */
  readonly seen: string;
  /** Sorted set: worker id -> last heartbeat (server ms). */
  readonly workers: string;
  /** Hash: origin -> robots.txt answer (JSON). */
  readonly robots: string;
  /** Hash: host -> earliest next request start (server ms), for the shared delay. */
  readonly pace: string;
  /** Stream: one entry per fetched page: url, page (the page record, JSON), records (JSON array). */
  readonly results: string;
  /** Stream: records the savers share (image records, link checks): kind, record (JSON). */
  readonly shared: string;
  /** Hash: depth -> how many entries are queued at that depth (leased ones not counted). */
  readonly queued: string;

  constructor(readonly crawlId: string) {
    this.prefix = `sitecrawl:{${crawlId}}:`;
    this.meta = `${this.prefix}meta`;
    this.leases = `${this.prefix}leases`;
    this.counters = `${this.prefix}counters`;
    this.seen = `${this.prefix}seen`;
    this.workers = `${this.prefix}workers`;
    this.robots = `${this.prefix}robots`;
    this.pace = `${this.prefix}pace`;
    this.results = `${this.prefix}results`;
    this.shared = `${this.prefix}shared`;
    this.queued = `${this.prefix}queued`;
  }

  /** List: the hosts with queued entries at one depth, in the order claims visit them (each host's entries are the list `q:DEPTH:HOST`, oldest first). */
  hosts(depth: number): string {
    return `${this.prefix}hosts:${depth}`;
  }

  /** Sorted set: the tokens holding slots of one host, scored by lease expiry. */
  host(host: string): string {
    return `${this.prefix}host:${host}`;
  }

  /** Hash: the keys a quota (`images`: maxImages) counted, key -> value (an image's SHA-256 -> its record). */
  quotaDone(name: string): string {
    return `${this.prefix}quota:${name}:done`;
  }

  /** Sorted set: the keys of a quota reserved by a worker and not committed yet, scored by lease expiry. */
  quotaHeld(name: string): string {
    return `${this.prefix}quota:${name}:held`;
  }

  /** String: the worker running a once-per-crawl task (`sitemaps`), set with NX and a lease. */
  onceLock(name: string): string {
    return `${this.prefix}once:${name}:lock`;
  }

  /** List: the items a once-per-crawl task published, in order (JSON arrays, one per batch). */
  onceItems(name: string): string {
    return `${this.prefix}once:${name}:items`;
  }

  /** String: a once-per-crawl task's result (JSON), set when it finished. */
  onceResult(name: string): string {
    return `${this.prefix}once:${name}:result`;
  }

  /** String: who is fetching an origin's robots.txt (set with NX and a lease). */
  robotsLock(origin: string): string {
    return `${this.prefix}robots-lock:${origin}`;
  }
}

/** The queue entry (and lease member) of a request: the JSON text `[depth, url, parent]`. Pure. */
export function encodeEntry(depth: number, url: string, parent: string | null): string {
  return JSON.stringify([depth, url, parent]);
}

/** The request of a queue entry. Pure. */
export function decodeEntry(entry: string): { url: string; depth: number; parent: string | null } {
  const [depth, url, parent] = JSON.parse(entry) as [number, string, string | null];
  return { url, depth, parent };
}
