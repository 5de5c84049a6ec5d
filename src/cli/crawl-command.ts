import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
    // The crawler is loaded only once its first requests (robots.txt) are on their way (issue 15).
    fetchesEarly: true,
    create: async (options) => {
      const [{ Crawler }, { LinkExtractor }, { TitleExtractor }] = await Promise.all([
        import('../crawler/crawler.js'),
        import('../extractors/links.js'),
        import('../extractors/title.js'),
      ]);
      return new Crawler({ ...options, extractors: [new LinkExtractor(), new TitleExtractor()] });
    },
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
