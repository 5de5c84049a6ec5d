import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Crawler } from '../crawler/crawler.js';
import { LinkExtractor } from '../extractors/links.js';
import { TitleExtractor } from '../extractors/title.js';
import { CRAWL_HELP, UsageError, parseCrawlArgs } from './args.js';
import { formatSummary } from './progress.js';
import { EXIT, runCrawler } from './run-crawler.js';
import type { CliStreams } from './run-crawler.js';

/**
 * `sitecrawl crawl <url...>`: crawls with the link and title extractors into OUT/ (pages and records), with progress
 * on stderr and a summary at the end.
 */
export async function crawlCommand(argv: readonly string[], streams: CliStreams): Promise<number> {
  let command;
  try {
    command = parseCrawlArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    streams.stderr.write(`sitecrawl crawl: ${error.message}\nTry 'sitecrawl crawl --help'.\n`);
    return EXIT.usage;
  }
  if (command === 'help') {
    streams.stdout.write(CRAWL_HELP);
    return EXIT.ok;
  }
  const { outDir, quiet } = command;
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
