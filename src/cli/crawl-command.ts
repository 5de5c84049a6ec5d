import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { Crawler } from '../crawler/crawler.js';
import { OptionsError } from '../crawler/errors.js';
import { LinkExtractor } from '../extractors/links.js';
import { TitleExtractor } from '../extractors/title.js';
import { CRAWL_HELP, FLAG_OF_OPTION, UsageError, parseCrawlArgs } from './args.js';
import { ProgressDisplay, formatSummary } from './progress.js';

/** Where the CLI writes: injectable so tests can run it in-process. */
export interface CliStreams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Exit codes of every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

function makeLogger(level: string, logFile: string | undefined, stderr: NodeJS.WriteStream, display: ProgressDisplay | undefined): Logger {
  if (logFile) return pino({ level, base: { name: 'sitecrawl' } }, pino.destination({ dest: logFile, mkdir: true, sync: true }));
  // Log lines pass through the progress bar: clear it, write, draw it again.
  return pino({ level, base: { name: 'sitecrawl' } }, {
    write(line: string) {
      display?.clear();
      stderr.write(line);
      display?.redraw();
    },
  });
}

/** Builds a usage message for an OptionsError, naming the CLI flag rather than the API option. */
function usageMessage(error: OptionsError): string {
  const flag = FLAG_OF_OPTION[error.option];
  return flag ? `${flag}: ${error.message}` : error.message;
}

/**
 * `sitecrawl crawl <url...>`: crawls with the link and title extractors into OUT/, with progress on stderr and a
 * summary at the end. SIGINT/SIGTERM stop it gracefully (a second SIGINT exits at once; records already written stay).
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
  const display = command.quiet ? undefined : new ProgressDisplay(streams.stderr);
  const logger = makeLogger(command.logLevel, command.logFile, streams.stderr, display);
  const controller = new AbortController();
  let crawler: Crawler;
  try {
    crawler = new Crawler({
      ...command.options,
      extractors: [new LinkExtractor(), new TitleExtractor()],
      signal: controller.signal,
      logger,
      progressIntervalMs: display?.intervalMs ?? 1000,
    });
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    streams.stderr.write(`sitecrawl crawl: ${usageMessage(error)}\n`);
    return EXIT.usage;
  }
  if (display) crawler.on('progress', (progress) => display.update(progress));

  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      streams.stderr.write(`\nsitecrawl: ${signal} again, exiting now\n`);
      process.exit(EXIT.interrupted);
    }
    interrupted = true;
    display?.clear();
    streams.stderr.write(`\nsitecrawl: ${signal} received, finishing requests in flight (press Ctrl-C again to quit now)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summary = await crawler.run();
    display?.finish();
    if (!command.quiet) {
      const format = crawler.options.format;
      const outputs = [`pages.${format}`, `records.${format}`].map((name) => join(command.outDir, name)).filter((path) => existsSync(path));
      streams.stderr.write(formatSummary(summary, outputs));
    }
    return interrupted ? EXIT.interrupted : EXIT.ok;
  } catch (error) {
    display?.finish();
    if (error instanceof OptionsError) {
      streams.stderr.write(`sitecrawl crawl: ${usageMessage(error)}\n`);
      return EXIT.usage;
    }
    streams.stderr.write(`sitecrawl crawl: ${(error as Error).message}\n`);
    return EXIT.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
