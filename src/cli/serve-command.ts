import { parseArgs } from 'node:util';
import { OptionsError } from '../errors.js';
import type { ServeOptions } from '../serve/serve-options.js';
import { UsageError, integerFlag } from './args.js';
import { EXIT } from './run-crawler.js';
import type { CliStreams } from './run-crawler.js';

/** Help text of `sitecrawl serve`. */
export const SERVE_HELP = `Usage: sitecrawl serve [options]

Runs the crawl service: an HTTP API to submit crawl, images and audit jobs (POST /api/crawls), follow them (JSON,
Server-Sent Events, webhooks) and read their outputs, and a web page at /. Each job runs in its own process into
DIR/<id>/. See docs/SERVICE.md.

Options:
      --host H             address to listen on (default 127.0.0.1); any other than loopback requires --token
      --port N             port (default 8080; 0 picks a free one)
      --data DIR           folder of the jobs, one sub-folder each (default ./sitecrawl-data)
      --token T            every API call must send Authorization: Bearer T (or ?token=T); also $SITECRAWL_TOKEN
      --max-jobs N         jobs running at once, the others wait in order (default 1)
      --allow-private      let jobs and webhooks reach private, loopback and link-local addresses (loopback bind only)
      --webhook-secret S   sign webhooks: X-Sitecrawl-Signature: sha256=<HMAC-SHA256 of the body>; also $SITECRAWL_WEBHOOK_SECRET
      --webhook-backoff MS wait before the second webhook try, doubled before each next one (default 1000; 5 tries)
      --body-limit BYTES   largest request body (default 65536)
      --job-nice N         run jobs N steps below the server's CPU priority, 0-19 (default 10), so the API stays quick
      --log-level L        fatal | error | warn | info | debug | silent (default info, JSON lines on stderr)
  -h, --help               show this help

SIGINT or SIGTERM stops the server: running jobs stop as Ctrl-C stops a crawl (outputs flushed) and are marked
interrupted, to be resumed with POST /api/crawls/<id>/resume after a restart.
`;

const FLAGS = {
  host: { type: 'string' },
  port: { type: 'string' },
  data: { type: 'string' },
  token: { type: 'string' },
  'max-jobs': { type: 'string' },
  'allow-private': { type: 'boolean' },
  'webhook-secret': { type: 'string' },
  'webhook-backoff': { type: 'string' },
  'body-limit': { type: 'string' },
  'job-nice': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** What `sitecrawl serve` was asked to do. */
export interface ServeCommand {
  options: ServeOptions;
  logLevel: string;
}

/**
 * Parses the arguments after `serve` (the token and webhook secret may come from the environment instead, so they
 * stay out of `ps`). Pure but for reading `env`.
 * @throws UsageError for unknown flags and bad values.
 */
export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServeCommand | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    const parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: false, strict: true });
    values = parsed.values;
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
  if (values['help']) return 'help';
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const logLevel = str('log-level') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level expects one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  const options: ServeOptions = {};
  const set = <K extends keyof ServeOptions>(key: K, value: ServeOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set('host', str('host'));
  set('port', integerFlag('port', str('port'), 0, 65535));
  set('dataDir', str('data'));
  set('token', str('token') ?? (env['SITECRAWL_TOKEN'] || undefined));
  set('maxJobs', integerFlag('max-jobs', str('max-jobs'), 1, 64));
  set('allowPrivate', values['allow-private'] === true ? true : undefined);
  set('webhookSecret', str('webhook-secret') ?? (env['SITECRAWL_WEBHOOK_SECRET'] || undefined));
  set('webhookBackoffMs', integerFlag('webhook-backoff', str('webhook-backoff'), 0, 3_600_000));
  set('bodyLimit', integerFlag('body-limit', str('body-limit'), 1024));
  set('jobNiceness', integerFlag('job-nice', str('job-nice'), 0, 19));
  return { options, logLevel };
}

// The flag behind each service option, so a validation error names what the user typed.
const FLAG_OF: Readonly<Record<string, string>> = {
  host: '--host', port: '--port', token: '--token', maxJobs: '--max-jobs', allowPrivate: '--allow-private', webhookSecret: '--webhook-secret', bodyLimit: '--body-limit',
};

/**
 * `sitecrawl serve`: starts the service (fastify and the job machinery are loaded only here) and runs until SIGINT or
 * SIGTERM, which stop the running jobs cleanly (outputs flushed, jobs marked interrupted) before the process exits 0.
 */
export async function serveCommand(argv: readonly string[], streams: CliStreams): Promise<number> {
  let command: ServeCommand | 'help';
  try {
    command = parseServeArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    streams.stderr.write(`sitecrawl serve: ${error.message}\nTry 'sitecrawl serve --help'.\n`);
    return EXIT.usage;
  }
  if (command === 'help') {
    streams.stdout.write(SERVE_HELP);
    return EXIT.ok;
  }
  const { pino } = await import('pino');
  const { startService } = await import('../serve/service.js');
  const logger = pino({ level: command.logLevel, base: { name: 'sitecrawl-serve' } }, pino.destination(2));
  let service;
  try {
    service = await startService({ ...command.options, logger });
  } catch (error) {
    if (error instanceof OptionsError) {
      const flag = FLAG_OF[error.option];
      streams.stderr.write(`sitecrawl serve: ${flag ? `${flag}: ` : ''}${error.message}\n`);
      return EXIT.usage;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      streams.stderr.write(`sitecrawl serve: cannot listen: ${(error as Error).message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  streams.stderr.write(`sitecrawl serve: listening on ${service.url} (jobs in ${service.options.dataDir})\n`);
  const running = service;
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        streams.stderr.write(`sitecrawl serve: ${signal} again, exiting now\n`);
        process.exit(EXIT.interrupted);
      }
      stopping = true;
      streams.stderr.write(`sitecrawl serve: ${signal} received, stopping the running jobs (their outputs are flushed)\n`);
      void running.close().then(resolve, (error: unknown) => {
        streams.stderr.write(`sitecrawl serve: ${(error as Error).message}\n`);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  streams.stderr.write('sitecrawl serve: stopped\n');
  return EXIT.ok;
}
