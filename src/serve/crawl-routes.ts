import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OptionsError } from '../errors.js';
import { internalAddressOf } from './address-check.js';
import { HttpError, optionsErrorBody } from './http-errors.js';
import type { JobQueue } from './job-queue.js';
import { JobRequestSchema, validateJobOptions } from './job-request.js';
import type { JobRequest } from './job-request.js';
import { JOB_ID_PATTERN, JobStore } from './job-store.js';
import type { Job } from './job-types.js';

/** What the routes work with. */
export interface RouteContext {
  store: JobStore;
  queue: JobQueue;
  /** Refuse start URLs and webhooks that resolve to internal addresses. */
  denyPrivate: boolean;
  /** Jobs that may wait in the queue. */
  maxQueued: number;
}

/** The `:id` parameter of every job route. */
export const JobParams = Type.Object({ id: Type.String({ pattern: JOB_ID_PATTERN }) }, { additionalProperties: false });

const DIGITS = '^[0-9]{1,15}$';
const ListQuery = Type.Object(
  { limit: Type.Optional(Type.String({ pattern: DIGITS })), cursor: Type.Optional(Type.String({ pattern: JOB_ID_PATTERN })), token: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

/** The job `id`, or a 404. */
export function findJob(store: JobStore, id: string): Job {
  const job = store.get(id);
  if (!job) throw new HttpError(404, 'job-not-found', `No job ${id}`, 'id');
  return job;
}

/** A number from a digits-only query value, within [min, max], or a 400 naming the field. */
export function queryInteger(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (value < min || value > max) throw new HttpError(400, 'invalid-request', `Expected \`${name}\` to be an integer between ${min} and ${max}, got ${text}`, `querystring.${name}`);
  return value;
}

async function refuseInternal(request: JobRequest): Promise<void> {
  const targets: Array<[string, string]> = request.urls.map((url, index) => [`urls[${index}]`, url]);
  if (request.webhook !== undefined) targets.push(['webhook', request.webhook]);
  for (const [field, url] of targets) {
    const address = await internalAddressOf(url);
    if (address !== undefined)
      throw new HttpError(400, 'blocked-address', `\`${field}\` resolves to ${address}, an internal address this server does not reach (start it with --allow-private on loopback to allow it)`, field);
  }
}

/** `POST /api/crawls`, `GET /api/crawls`, `GET /api/crawls/:id`, `DELETE /api/crawls/:id`, `POST /api/crawls/:id/resume`. */
export function crawlRoutes(app: FastifyInstance, context: RouteContext): void {
  const { store, queue } = context;

  app.post('/api/crawls', { schema: { body: JobRequestSchema } }, async (request, reply) => {
    const body = request.body as JobRequest;
    const options = body.options ?? {};
    try {
      validateJobOptions(body.mode, body.urls, options);
    } catch (error) {
      if (!(error instanceof OptionsError)) throw error;
      const answer = optionsErrorBody(error);
      throw new HttpError(400, answer.code, answer.message, answer.field);
    }
    if (context.denyPrivate) await refuseInternal(body);
    if (queue.waiting >= context.maxQueued)
      throw new HttpError(429, 'queue-full', `${queue.waiting} jobs are waiting already: submit again once some have run`);
    const job = await store.create(body.mode, body.urls, options, body.webhook);
    const queued = structuredClone(job);
    queue.submit(job);
    return reply.code(202).header('location', `/api/crawls/${job.id}`).send(queued);
  });

  app.get('/api/crawls', { schema: { querystring: ListQuery } }, async (request) => {
    const query = request.query as { limit?: string; cursor?: string };
    return store.page(queryInteger('limit', query.limit, 20, 1, 100), query.cursor);
  });

  app.get('/api/crawls/:id', { schema: { params: JobParams } }, async (request) => findJob(store, (request.params as { id: string }).id));

  app.delete('/api/crawls/:id', { schema: { params: JobParams } }, async (request) => {
    const job = findJob(store, (request.params as { id: string }).id);
    const cancelled = await queue.cancel(job);
    if (!cancelled) throw new HttpError(409, 'job-ended', `Job ${job.id} has already ended (${job.state})`, 'id');
    return cancelled;
  });

  app.post('/api/crawls/:id/resume', { schema: { params: JobParams } }, async (request, reply) => {
    const job = findJob(store, (request.params as { id: string }).id);
    const state = job.state;
    const resumed = await queue.resume(job);
    if (!resumed) throw new HttpError(409, 'not-resumable', `Job ${job.id} is ${state}: only an interrupted, cancelled or failed job can be resumed`, 'id');
    return reply.code(202).send(resumed);
  });
}
