import { close, open, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import type { Crawler } from '../crawler/crawler.js';
import type { CrawlSummary } from '../crawler/crawl-run.js';
import { OptionsError, SharedStateError, StateError } from '../errors.js';
import { resolveOptions } from '../crawler/options.js';
import type { CrawlerOptions } from '../crawler/options.js';
import { giveEarlyFetch, startEarlyFetch } from '../crawler/early-fetch.js';
import type { StartedFetch } from '../crawler/early-fetch.js';
import type { CrawlProgress } from '../crawler/progress.js';
import { prepareOutputDir } from '../storage/output-dir.js';
import { FLAG_OF_OPTION, UsageError } from './args.js';
import type { CrawlCommand } from './args.js';
import { assertStateFree, resumeOptions, statePath } from './crawl-state.js';
import { OutDirRefused, claimOutDir } from './out-dir.js';
import type { OutDirPolicy } from './out-dir.js';
import { PendingLogger } from './pending-logger.js';
import { ProgressDisplay } from './progress.js';

/** Where the CLI writes: injectable so tests can run it in-process. */
export interface CliStreams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Exit codes of every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** How a command builds its crawler and reports the end of the run. */
export interface CrawlerRunSpec<C extends Crawler> {
  /** The command's name, for messages. */
  name: string;
  /**
   * Builds the crawler from the shared options (signal, logger and progress rate filled in). May throw OptionsError.
   * It may load the crawler's modules first (see `fetchesEarly`).
   */
  create(options: CrawlerOptions): C | Promise<C>;
  /**
   * Whether the command's crawler fetches exactly as the shared options say (no `beforeRequest`, no option of its own
   * that changes a request), so the run's first requests (robots.txt) may leave before `create` loads the crawler
   * (src/crawler/early-fetch.ts). The options are then checked by themselves first, as `create` would.
   */
  fetchesEarly?: boolean;
  /** Called after the run with its summary; writes the command's report and returns the exit code. */
  finish(crawler: C, summary: CrawlSummary, interrupted: boolean): number | Promise<number>;
  /** The progress line's extra text, if the command has more to show than pages. */
  progressSuffix?(progress: CrawlProgress): string;
  /** What the command may build on from an earlier run in its output directory (see {@link claimOutDir}). */
  reuse?: OutDirPolicy['reuse'];
}

/**
 * Opens the `--log-file` for appending, creating its directory, with asynchronous calls only (pino's own `mkdir`
 * option is a synchronous recursive mkdir, which never returns on some paths).
 * @throws OutDirRefused naming the flag when it cannot be opened.
 */
async function openLogFile(path: string): Promise<number> {
  try {
    await prepareOutputDir(dirname(path));
    return await promisify(open)(path, 'a');
  } catch (error) {
    throw new OutDirRefused(`--log-file: Cannot write to ${path}: ${(error as Error).message}`);
  }
}

/** Where `--log-file` lines go: the file's descriptor, once it is open. */
interface LogFile {
  fd?: number;
}

/** Loads pino (on demand: it is not on the path to a crawl's first request) and builds the run's logger. */
async function loadLogger(level: string, logFile: LogFile | undefined, stderr: NodeJS.WriteStream, display: ProgressDisplay | undefined): Promise<Logger> {
  const { pino } = await import('pino');
  if (logFile)
    return pino({ level, base: { name: 'sitecrawl' } }, {
      write(line: string) {
        if (logFile.fd === undefined) return;
        try {
          writeSync(logFile.fd, line);
        } catch {
          // A log file that stops taking lines (a full disk) must not stop the crawl; its outputs report their own failures.
        }
      },
    });
  // Log lines pass through the progress bar: clear it, write, draw it again. People at a terminal get one readable
  // line per entry; pipes and files keep pino's JSON.
  const readable = Boolean(stderr.isTTY);
  return pino({ level, base: { name: 'sitecrawl' } }, {
    write(line: string) {
      display?.clear();
      stderr.write(readable ? formatLogLine(line) : line);
      display?.redraw();
    },
  });
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const OMITTED_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'module']);

/** One pino JSON line as `warn  page failed  url=... code=http-404` for a terminal. Pure. */
export function formatLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = LEVEL_NAMES[entry['level'] as number] ?? String(entry['level']);
  const fields = Object.entries(entry)
    .filter(([key]) => !OMITTED_FIELDS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return `${level.padEnd(5)} ${String(entry['msg'] ?? '')}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}\n`;
}

/** Builds a usage message for an OptionsError, naming the CLI flag rather than the API option. */
export function usageMessage(error: OptionsError): string {
  const flag = FLAG_OF_OPTION[error.option];
  return flag ? `${flag}: ${error.message}` : error.message;
}

/**
 * Parses a command's arguments and answers `--help` and usage errors itself (help on stdout, one line and a hint on
 * stderr). Returns the parsed command, or the exit code when there is nothing left to run.
 */
export function parseOrExit<C>(name: string, help: string, parse: () => C | 'help', streams: CliStreams): C | number {
  let command: C | 'help';
  try {
    command = parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    streams.stderr.write(`sitecrawl ${name}: ${error.message}\nTry 'sitecrawl ${name} --help'.\n`);
    return EXIT.usage;
  }
  if (command !== 'help') return command;
  streams.stdout.write(help);
  return EXIT.ok;
}

/**
 * Runs a crawling command: builds the crawler, shows progress on stderr, stops gracefully on SIGINT/SIGTERM (a second
 * SIGINT exits at once; what was written stays) and maps failures to exit codes (2 for usage, 1 for output).
 */
export async function runCrawler<C extends Crawler>(command: CrawlCommand, streams: CliStreams, spec: CrawlerRunSpec<C>): Promise<number> {
  const display = command.quiet ? undefined : new ProgressDisplay(streams.stderr, spec.progressSuffix);
  const logFile: LogFile | undefined = command.logFile === undefined ? undefined : {};
  // pino loads once robots.txt is on its way (or first, when the crawler must be built before any request); the
  // early fetch logs through a PendingLogger until then.
  const pending = new PendingLogger();
  let loading: Promise<Logger> | undefined;
  const logger = () =>
    (loading ??= loadLogger(command.logLevel, logFile, streams.stderr, display).then((real) => {
      pending.attach(real);
      return real;
    }));
  const controller = new AbortController();
  let crawler: C;
  let early: StartedFetch | undefined;
  try {
    // A resume takes its options from OUT/state.db (and checks the command line's against them); its outputs are
    // its own, so the directory is not claimed again.
    let options = command.options;
    if (command.resume) options = resumeOptions(command, spec.name);
    else if (command.persist) options = { ...options, persist: { path: statePath(command.outDir), command: spec.name } };
    const runOptions: CrawlerOptions = { ...options, signal: controller.signal, progressIntervalMs: display?.intervalMs ?? 1000 };
    // Options are checked before the output directory is touched, so a typo never costs an earlier run's files.
    const resolved = spec.fetchesEarly ? resolveOptions(runOptions) : undefined;
    const built = resolved ? undefined : await spec.create({ ...runOptions, logger: await logger() });
    if (command.overwrite) assertStateFree(command.outDir);
    // A shared crawl (Redis) without -o writes no local file, so it claims no directory.
    const writesLocally = !(options.redis && options.outDir === undefined);
    if (!command.resume && writesLocally)
      await claimOutDir(command.outDir, { overwrite: command.overwrite, resumable: true, ...(spec.reuse ? { reuse: spec.reuse } : {}) });
    if (logFile && command.logFile !== undefined) logFile.fd = await openLogFile(command.logFile);
    // Nothing left that could refuse the run: robots.txt may leave now, while the crawler loads (issue 15).
    early = resolved && startEarlyFetch(resolved, pending);
    crawler = built ?? (await spec.create({ ...runOptions, logger: await logger() }));
    if (early) giveEarlyFetch(crawler, early);
  } catch (error) {
    await early?.parts.fetcher.destroy().catch(() => undefined);
    if (error instanceof OutDirRefused) streams.stderr.write(`sitecrawl ${spec.name}: ${error.message}\n`);
    else if (error instanceof OptionsError) streams.stderr.write(`sitecrawl ${spec.name}: ${usageMessage(error)}\n`);
    else if (error instanceof StateError) streams.stderr.write(`sitecrawl ${spec.name}: ${error.message}\n`);
    else throw error;
    return EXIT.usage;
  }
  try {
    return await runToEnd(crawler, controller, display, streams, spec);
  } finally {
    if (logFile?.fd !== undefined) await promisify(close)(logFile.fd).catch(() => undefined);
  }
}

async function runToEnd<C extends Crawler>(crawler: C, controller: AbortController, display: ProgressDisplay | undefined, streams: CliStreams, spec: CrawlerRunSpec<C>): Promise<number> {
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
    const code = await spec.finish(crawler, summary, interrupted);
    return interrupted ? EXIT.interrupted : code;
  } catch (error) {
    display?.finish();
    // A shared crawl that cannot start (Redis unreachable) is a usage error; one that loses Redis mid-run failed.
    const atStart = error instanceof SharedStateError && error.code !== 'redis-lost' && error.code !== 'crawl-gone';
    if (error instanceof OptionsError || error instanceof StateError || atStart) {
      streams.stderr.write(`sitecrawl ${spec.name}: ${error instanceof OptionsError ? usageMessage(error) : error.message}\n`);
      return EXIT.usage;
    }
    streams.stderr.write(`sitecrawl ${spec.name}: ${(error as Error).message}\n`);
    return EXIT.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
