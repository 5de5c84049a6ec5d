#!/usr/bin/env node
import { VERSION } from '../crawler/version.js';
import { prestartParseWorker } from '../crawler/parse-pool.js';
import { tuneProcessForCrawl } from './process-tuning.js';
import type { CliStreams } from './run-crawler.js';

/** Exit codes (as `EXIT` in run-crawler.ts, which this module does not load for `--version` or `--help`). */
const EXIT_OK = 0;
const EXIT_USAGE = 2;
const EXIT_FAILED = 1;

const HELP = `Usage: sitecrawl <command> [options]

Commands:
  crawl <url...>   crawl a site breadth-first and write a record per page (see 'sitecrawl crawl --help')
  audit <url...>   check every link, redirect, title and fragment of a site, with a report (see 'sitecrawl audit --help')
  images <url...>  crawl a site and save its images, with a manifest and a gallery (see 'sitecrawl images --help')
  status           show the progress of a crawl shared through Redis (see 'sitecrawl status --help')
  export           write the merged results of a crawl shared through Redis (see 'sitecrawl export --help')
  serve            run the crawl service: HTTP API, webhooks and a web page (see 'sitecrawl serve --help')

Options:
  -h, --help       show this help
  -V, --version    show the version
`;

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code. Each command's module is loaded
 * only when that command runs (issue 15: a plain `crawl` must reach its first request fast, and the audit and images
 * commands bring their own dependencies).
 */
export async function runCli(argv: readonly string[], streams: CliStreams): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'crawl':
      return (await import('./crawl-command.js')).crawlCommand(rest, streams);
    case 'audit':
      return (await import('./audit-command.js')).auditCommand(rest, streams);
    case 'images':
      return (await import('./images-command.js')).imagesCommand(rest, streams);
    case 'status':
      return (await import('./redis-commands.js')).statusCommand(rest, streams);
    case 'export':
      return (await import('./redis-commands.js')).exportCommand(rest, streams);
    case 'serve':
      // Loaded only here: fastify and the service must not slow the start of the other commands.
      return (await import('./serve-command.js')).serveCommand(rest, streams);
    case '-V':
    case '--version':
      streams.stdout.write(`${VERSION}\n`);
      return EXIT_OK;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      streams.stdout.write(HELP);
      return command === undefined ? EXIT_USAGE : EXIT_OK;
    default:
      streams.stderr.write(`sitecrawl: unknown command ${JSON.stringify(command)}\nTry 'sitecrawl --help'.\n`);
      return EXIT_USAGE;
  }
}

/** Whether `argv` asks for a crawl that parses on workers (not `--help`, not `--workers 0`). A wrong guess costs little. */
function crawlUsesWorkers(args: readonly string[]): boolean {
  if (args[0] !== 'crawl') return false;
  for (let index = 1; index < args.length; index++) {
    const arg = args[index];
    if (arg === '-h' || arg === '--help' || arg === '--workers=0' || (arg === '--workers' && args[index + 1] === '0')) return false;
  }
  return true;
}

// V8's heap and JIT settings for a crawl (process-tuning.ts), before the first parse worker starts so it takes them.
tuneProcessForCrawl();

// A crawl parses on worker threads; its first worker starts now, so it loads while this thread loads the crawler.
const argv = process.argv.slice(2);
if (crawlUsesWorkers(argv)) prestartParseWorker();

process.exitCode = await runCli(argv, { stdout: process.stdout, stderr: process.stderr }).catch((error: unknown) => {
  process.stderr.write(`sitecrawl: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
  return EXIT_FAILED;
});
