import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Crawler } from '../crawler/crawler.js';
import { LinkExtractor } from '../extractors/links.js';
import { TitleExtractor } from '../extractors/title.js';
import { CRAWL_HELP, parseCrawlArgs } from './args.js';
import { formatSummary } from './progress.js';
import { EXIT, parseOrExit, runCrawler } from './run-crawler.js';
import type { CliStreams } from './run-crawler.js';

/**
 * `sitecrawl crawl <url...>`: crawls with the link and title extractors into OUT/ (pages and records), with progress
 * on stderr and a summary at the end.
 */
export async function crawlCommand(argv: readonly string[], streams: CliStreams): Promise<number> {
  const command = parseOrExit('crawl', CRAWL_HELP, () => parseCrawlArgs(argv), streams);
  if (typeof command === 'number') return command;
  const { outDir, quiet } = command;
  if (command.clear && command.options.redis) {
    const { clearCrawl } = await import('./redis-commands.js');
    return clearCrawl(command.options.redis.url, command.options.redis.crawlId, streams);
  }
  return runCrawler(command, streams, {
    name: 'crawl',
    create: (options) => new Crawler({ ...options, extractors: [new LinkExtractor(), new TitleExtractor()] }),
    finish: (crawler, summary) => {
      if (!quiet) {
        const format = crawler.options.format;
        const outputs = [`pages.${format}`, `records.${format}`].map((name) => join(outDir, name)).filter((path) => existsSync(path));
        streams.stderr.write(formatSummary(summary, outputs));
      }
      return EXIT.ok;
    },
  });
}
