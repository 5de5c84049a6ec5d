import { createReadStream } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { JobParams, findJob, queryInteger } from './crawl-routes.js';
import type { RouteContext } from './crawl-routes.js';
import { HttpError } from './http-errors.js';
import { endPayload } from './job-queue.js';
import type { JobEvent } from './job-queue.js';
import { FINAL_STATES } from './job-types.js';
import { DEFAULT_KIND, RECORD_KINDS, readRecords } from './records.js';
import type { RecordKind } from './records.js';
import { contentTypeOf, resolveInside } from './safe-path.js';

const RecordsQuery = Type.Object(
  {
    kind: Type.Optional(Type.Union(RECORD_KINDS.map((kind) => Type.Literal(kind)))),
    cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
    token: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

// Files from a job's folder hold what crawled sites sent (SVG, HTML): they run sandboxed, away from the API's origin.
const SANDBOX = 'sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox';
const HEARTBEAT_MS = 15_000;

/** Sends a file found with {@link resolveInside}. */
export function sendFile(reply: FastifyReply, path: string, sandboxed: boolean): FastifyReply {
  reply.type(contentTypeOf(path)).header('x-content-type-options', 'nosniff');
  if (sandboxed) reply.header('content-security-policy', SANDBOX);
  return reply.send(createReadStream(path));
}

/** Open event streams, ended when the server closes. */
export type StreamSet = Set<() => void>;

/** `GET /api/crawls/:id/events` (SSE), `GET /api/crawls/:id/records`, `GET /api/crawls/:id/files/*`. */
export function jobOutputRoutes(app: FastifyInstance, context: RouteContext, streams: StreamSet): void {
  const { store, queue } = context;

  app.get('/api/crawls/:id/events', { schema: { params: JobParams } }, (request, reply) => {
    const job = findJob(store, (request.params as { id: string }).id);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const write = (event: JobEvent) => res.write(`event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
    // A late subscriber gets where the job is first: its state and counters (and the end, when it is over).
    write({ event: 'state', data: job });
    write({ event: 'progress', data: job.counters });
    if (FINAL_STATES.has(job.state)) {
      write({ event: 'end', data: endPayload(job) });
      res.end();
      return;
    }
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const close = () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(close);
      res.end();
    };
    const unsubscribe = queue.subscribe(job.id, (event) => {
      write(event);
      if (event.event === 'end') close();
    });
    streams.add(close);
    request.raw.on('close', close);
  });

  app.get('/api/crawls/:id/records', { schema: { params: JobParams, querystring: RecordsQuery } }, async (request) => {
    const job = findJob(store, (request.params as { id: string }).id);
    const query = request.query as { kind?: RecordKind; cursor?: string; limit?: string };
    const limit = queryInteger('limit', query.limit, 100, 1, 1000);
    const cursor = queryInteger('cursor', query.cursor, 0, 0, Number.MAX_SAFE_INTEGER);
    return readRecords(store.dir(job.id), query.kind ?? DEFAULT_KIND[job.mode], cursor, limit, !FINAL_STATES.has(job.state));
  });

  app.get('/api/crawls/:id/files/*', async (request, reply) => {
    const params = request.params as { id: string; '*': string };
    if (!/^[0-9a-z]+$/.test(params.id)) throw new HttpError(404, 'job-not-found', 'No such job', 'id');
    const job = findJob(store, params.id);
    const path = await resolveInside(store.dir(job.id), params['*']);
    if (path === undefined) throw new HttpError(404, 'file-not-found', `No file ${JSON.stringify(params['*'])} in job ${job.id}`, 'path');
    return sendFile(reply, path, true);
  });
}
