#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { VERSION } from '../crawler/options.js';
import { auditCommand } from './audit-command.js';
import { crawlCommand } from './crawl-command.js';
import { imagesCommand } from './images-command.js';
import { exportCommand, statusCommand } from './redis-commands.js';
import { EXIT } from './run-crawler.js';
import type { CliStreams } from './run-crawler.js';

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

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], streams: CliStreams): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'crawl':
      return crawlCommand(rest, streams);
    case 'audit':
      return auditCommand(rest, streams);
    case 'images':
      return imagesCommand(rest, streams);
    case 'status':
      return statusCommand(rest, streams);
    case 'export':
      return exportCommand(rest, streams);
    case 'serve':
      // Loaded only here: fastify and the service must not slow the start of the other commands.
      return (await import('./serve-command.js')).serveCommand(rest, streams);
    case '-V':
    case '--version':
      streams.stdout.write(`${VERSION}\n`);
      return EXIT.ok;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      streams.stdout.write(HELP);
      return command === undefined ? EXIT.usage : EXIT.ok;
    default:
      streams.stderr.write(`sitecrawl: unknown command ${JSON.stringify(command)}\nTry 'sitecrawl --help'.\n`);
      return EXIT.usage;
  }
}

// A crawl makes garbage at a steady rate with a small live set. V8's defaults let each thread's heap grow about 4x past
// what is live before a full GC, and let the young generation of each thread (the main one and every parse worker)
// grow to 16 MB semi-spaces. Halving the growth and capping semi-spaces at 4 MB (set before the parse workers start, so
// they take it too) keeps peak memory about a third lower at the same speed (docs/BENCHMARKS.md). The CLI owns its
// process, so it may set these; the library does not.
setFlagsFromString('--heap-growing-percent=50');
setFlagsFromString('--max-semi-space-size=4');

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).catch((error: unknown) => {
  process.stderr.write(`sitecrawl: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
  return EXIT.failed;
});
