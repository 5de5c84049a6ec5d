import type { Logger } from 'pino';
import { RedisCrawlState } from '../storage/redis/redis-crawl-state.js';
import type { ResolvedOptions } from './options.js';
import { SharedRun } from './shared-run.js';

/**
 * Connects to the Redis of the `redis` option and makes this run a worker of its crawl (see {@link SharedRun}).
 * The option's `command` and `commandOptions` (default: a `crawl`) are stored with the crawl and checked on join.
 * Imported on demand by `Crawler.run`, so a crawl without Redis never loads ioredis.
 * @throws SharedStateError `redis-unreachable`
 */
export async function openSharedRun(options: ResolvedOptions, logger: Logger): Promise<SharedRun | undefined> {
  const redis = options.redis;
  if (!redis) return undefined;
  const log = logger.child({ module: 'redis' });
  const state = await RedisCrawlState.open({
    url: redis.url,
    crawlId: redis.crawlId,
    retryMs: redis.retryMs,
    onConnection: (event) =>
      event === 'lost' ? log.warn({ retryMs: redis.retryMs }, 'lost the connection to Redis; retrying') : log.warn('the connection to Redis is back'),
  });
  return new SharedRun(state, {
    concurrency: options.concurrency,
    leaseMs: redis.leaseMs,
    url: redis.url,
    retryMs: redis.retryMs,
    logger: log,
    command: redis.command === undefined ? undefined : { name: redis.command, options: redis.commandOptions ?? {} },
  });
}
