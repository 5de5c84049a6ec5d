import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { OptionsError } from '../errors.js';

/** Options of {@link startService} (and of `sitecrawl serve`, flag for flag). */
export interface ServeOptions {
  /** Address to listen on. Anything but loopback requires `token`. @default '127.0.0.1' */
  host?: string;
  /** Port; 0 picks a free one. @default 8080 */
  port?: number;
  /** Folder of the jobs, one sub-folder per job. @default './sitecrawl-data' */
  dataDir?: string;
  /** Bearer token every API call must carry (`Authorization: Bearer T`, or `?token=T`). Required beyond loopback. */
  token?: string;
  /** Jobs running at once; the others wait in order. @default 1 */
  maxJobs?: number;
  /**
   * Let jobs and webhooks reach private, loopback and link-local addresses. Off, such a start URL is refused with 400
   * and the crawl refuses such addresses at connect time (redirects, DNS rebinding). Only on a loopback bind. @default false
   */
  allowPrivate?: boolean;
  /** Secret of the webhook signature header `X-Sitecrawl-Signature: sha256=<hex HMAC-SHA256 of the body>`. @default undefined (unsigned) */
  webhookSecret?: string;
  /**
   * How much lower the CPU priority of each job process is than the server's (nice, 0-19): the crawl yields the CPU to
   * the API, which keeps answering quickly while a job keeps every core busy. @default 10
   */
  jobNiceness?: number;
  /** Jobs that may wait in the queue; a submission beyond it is refused with 429. @default 1000 */
  maxQueued?: number;
  /** Delivery tries of a webhook. @default 5 */
  webhookTries?: number;
  /** Wait before the second try, doubled before each next one, in ms. @default 1000 */
  webhookBackoffMs?: number;
  /** Time allowed for one webhook delivery, in ms. @default 10000 */
  webhookTimeoutMs?: number;
  /** Largest request body, in bytes. @default 65536 */
  bodyLimit?: number;
  /** How often a job reports progress, in ms. @default 500 */
  progressIntervalMs?: number;
  /**
   * The module each job process runs, and its Node options: for tests and embedders that run the sources but want
   * the built runner (`dist/serve/job-runner.js`), which starts faster. @default the runner beside the service module
   */
  jobRunner?: { path: string; execArgv: string[] };
  /** Logger of the server (requests, jobs, webhook attempts). @default a silent logger */
  logger?: Logger;
}

/** {@link ServeOptions} after validation, defaults filled in. */
export interface ResolvedServeOptions extends Required<Omit<ServeOptions, 'token' | 'webhookSecret' | 'logger' | 'jobRunner'>> {
  readonly jobRunner: { path: string; execArgv: string[] } | undefined;
  readonly token: string | undefined;
  readonly webhookSecret: string | undefined;
  readonly logger: Logger | undefined;
  /** Whether `host` is a loopback address (or `localhost`). */
  readonly loopback: boolean;
}

/** Defaults of the service's options. */
export const SERVE_DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 8080,
  dataDir: 'sitecrawl-data',
  maxJobs: 1,
  maxQueued: 1000,
  jobNiceness: 10,
  allowPrivate: false,
  webhookTries: 5,
  webhookBackoffMs: 1000,
  webhookTimeoutMs: 10_000,
  bodyLimit: 64 * 1024,
  progressIntervalMs: 500,
});

/** Whether `host` names a loopback address: `localhost`, 127.0.0.0/8 or ::1. Pure. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '[::1]';
}

function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new OptionsError(name, `Expected \`${name}\` to be an integer between ${min} and ${max}, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Validates the service's options and fills defaults.
 * @throws OptionsError naming the option: a bind beyond loopback without `token`, or with `allowPrivate`, included.
 */
export function resolveServeOptions(options: ServeOptions = {}): ResolvedServeOptions {
  const host = options.host ?? SERVE_DEFAULTS.host;
  if (typeof host !== 'string' || host === '') throw new OptionsError('host', 'Expected `host` to be an address to listen on');
  const loopback = isLoopbackHost(host);
  const token = options.token;
  if (token !== undefined && (typeof token !== 'string' || token.length < 8))
    throw new OptionsError('token', 'Expected `token` to be a string of at least 8 characters');
  if (!loopback && token === undefined)
    throw new OptionsError('token', `Listening on ${host}, beyond loopback, requires a token: every API call must then carry it`);
  const allowPrivate = options.allowPrivate ?? SERVE_DEFAULTS.allowPrivate;
  if (!loopback && allowPrivate)
    throw new OptionsError('allowPrivate', `\`allowPrivate\` is only for a server bound to loopback: on ${host} jobs could reach the internal network`);
  const secret = options.webhookSecret;
  if (secret !== undefined && (typeof secret !== 'string' || secret === '')) throw new OptionsError('webhookSecret', 'Expected `webhookSecret` to be a non-empty string');
  return Object.freeze({
    host,
    loopback,
    port: integer('port', options.port ?? SERVE_DEFAULTS.port, 0, 65535),
    dataDir: resolve(options.dataDir ?? SERVE_DEFAULTS.dataDir),
    token,
    maxJobs: integer('maxJobs', options.maxJobs ?? SERVE_DEFAULTS.maxJobs, 1, 64),
    jobNiceness: integer('jobNiceness', options.jobNiceness ?? SERVE_DEFAULTS.jobNiceness, 0, 19),
    maxQueued: integer('maxQueued', options.maxQueued ?? SERVE_DEFAULTS.maxQueued, 1, 1_000_000),
    allowPrivate,
    webhookSecret: secret,
    webhookTries: integer('webhookTries', options.webhookTries ?? SERVE_DEFAULTS.webhookTries, 1, 20),
    webhookBackoffMs: integer('webhookBackoffMs', options.webhookBackoffMs ?? SERVE_DEFAULTS.webhookBackoffMs, 0, 3_600_000),
    webhookTimeoutMs: integer('webhookTimeoutMs', options.webhookTimeoutMs ?? SERVE_DEFAULTS.webhookTimeoutMs, 1, 600_000),
    bodyLimit: integer('bodyLimit', options.bodyLimit ?? SERVE_DEFAULTS.bodyLimit, 1024, 64 * 1024 * 1024),
    progressIntervalMs: integer('progressIntervalMs', options.progressIntervalMs ?? SERVE_DEFAULTS.progressIntervalMs, 10, 60_000),
    logger: options.logger,
    jobRunner: options.jobRunner,
  });
}
