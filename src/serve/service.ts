import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { JobQueue } from './job-queue.js';
import type { JobStore } from './job-store.js';
import type { StreamSet } from './job-output-routes.js';
import { resolveServeOptions } from './serve-options.js';
import type { ResolvedServeOptions, ServeOptions } from './serve-options.js';
import { vendorFile } from './web-assets.js';

/** A running service. */
export interface Service {
  /** Its base URL, `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  options: ResolvedServeOptions;
  store: JobStore;
  queue: JobQueue;
  /** The fastify instance (for tests and embedding). */
  app: FastifyInstance;
  /**
   * Stops the service: no new requests, running and queued jobs stopped (outputs flushed) and marked `interrupted`,
   * open event streams ended, then the listener closed.
   */
  close(): Promise<void>;
}

/**
 * The folder of the web page: `web/` beside this module, that is `src/serve/web/` from the sources (tsx, tests)
 * and `dist/serve/web/` in the built package (the build copies it).
 */
export const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), 'web');

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Whether a request carries the token: `Authorization: Bearer T`, or `?token=T` (EventSource and <img> cannot set headers). */
function hasToken(expected: Buffer, authorization: string | undefined, query: unknown): boolean {
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
  const given = bearer ?? (typeof (query as Record<string, unknown> | undefined)?.['token'] === 'string' ? ((query as Record<string, string>)['token'] as string) : undefined);
  // Digests have one length whatever was sent, so the comparison takes the same time for every wrong token.
  return given !== undefined && timingSafeEqual(digest(given), expected);
}

/**
 * Starts the crawl service (`sitecrawl serve`): the HTTP API under `/api/crawls`, the web page at `/`, and the job
 * queue over the jobs in `dataDir` (jobs of an earlier run listed again; those it left running or queued marked
 * `interrupted`). fastify is loaded here, so nothing else of the package pays for it. See docs/SERVICE.md.
 * @throws OptionsError for a bad option (a bind beyond loopback without a token included); the listen error when the
 *   port is taken.
 */
export async function startService(input: ServeOptions = {}): Promise<Service> {
  const options = resolveServeOptions(input);
  // Everything past the options is loaded here, so importing the package (or this module) costs nothing.
  const [{ default: Fastify }, { pino }, { OptionsError }, { crawlRoutes }, errors, { jobOutputRoutes, sendFile }, { JobQueue }, { MODES }, { JobStore }, { resolveInside }] = await Promise.all([
    import('fastify'), import('pino'), import('../errors.js'), import('./crawl-routes.js'), import('./http-errors.js'), import('./job-output-routes.js'),
    import('./job-queue.js'), import('./job-request.js'), import('./job-store.js'), import('./safe-path.js'),
  ]);
  const { HttpError, errorBody, optionsErrorBody, validationError } = errors;
  const logger = options.logger ?? pino({ level: 'silent' });
  const store = await JobStore.open(options.dataDir);
  const denyPrivate = !options.allowPrivate;
  const queue = new JobQueue(store, {
    maxJobs: options.maxJobs,
    denyPrivate,
    progressIntervalMs: options.progressIntervalMs,
    jobNiceness: options.jobNiceness,
    logger,
    ...(options.jobRunner ? { runner: options.jobRunner } : {}),
    webhook: { tries: options.webhookTries, backoffMs: options.webhookBackoffMs, timeoutMs: options.webhookTimeoutMs, secret: options.webhookSecret },
  });
  const app = Fastify({
    bodyLimit: options.bodyLimit,
    forceCloseConnections: true,
    // Bodies are checked as sent: no coercion ("3" is not 3), no removal of unknown fields, no defaults (the library fills them).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false, discriminator: true } },
  });
  const streams: StreamSet = new Set();

  if (options.token !== undefined) {
    const expected = digest(options.token);
    app.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/api/')) return;
      if (!hasToken(expected, request.headers.authorization, request.query))
        return reply.code(401).header('www-authenticate', 'Bearer').send(errorBody(401, 'unauthorized', 'This server needs its token: Authorization: Bearer <token>'));
    });
  }

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) return reply.code(400).send(validationError(error.validationContext ?? 'body', error.validation as never, MODES));
    if (error instanceof HttpError) return reply.code(error.statusCode).send(errorBody(error.statusCode, error.code, error.message, error.field));
    if (error instanceof OptionsError) return reply.code(400).send(optionsErrorBody(error));
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply.code(413).send(errorBody(413, 'body-too-large', `The request body is larger than ${options.bodyLimit} bytes`, 'body'));
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return reply.code(415).send(errorBody(415, 'unsupported-media-type', 'Send the body as application/json', 'body'));
    if (error.statusCode === 400 || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
      return reply.code(400).send(errorBody(400, 'invalid-json', `The body is not valid JSON: ${error.message}`, 'body'));
    logger.error({ err: error, url: request.url }, 'request failed');
    return reply.code(500).send(errorBody(500, 'internal', 'The server failed to answer'));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody(404, 'not-found', `No route ${request.method} ${request.url.split('?')[0]}`)));

  const context = { store, queue, denyPrivate, maxQueued: options.maxQueued };
  crawlRoutes(app, context);
  jobOutputRoutes(app, context, streams);
  // The page's libraries (Preact, htm), as ES modules from node_modules: only the names web-assets.ts lists.
  app.get('/vendor/:name', async (request, reply) => {
    const file = vendorFile((request.params as { name: string }).name);
    if (file === undefined) throw new HttpError(404, 'not-found', `No file ${request.url.split('?')[0]}`);
    return sendFile(reply, file, false);
  });
  app.get('/*', async (request, reply) => {
    const path = (request.params as { '*': string })['*'] || 'index.html';
    const file = await resolveInside(WEB_DIR, path);
    if (file === undefined) {
      const hint = existsSync(join(WEB_DIR, 'index.html')) ? '' : ` (the web page is missing from ${WEB_DIR})`;
      throw new HttpError(404, 'not-found', `No file /${path}${hint}`);
    }
    return sendFile(reply, file, false);
  });

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  logger.info({ host: options.host, port, dataDir: options.dataDir, maxJobs: options.maxJobs }, 'service listening');
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    options,
    store,
    queue,
    app,
    close: () =>
      (closing ??= (async () => {
        await queue.stop();
        for (const close of [...streams]) close();
        await app.close();
      })()),
  };
}
