import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { JobProcess } from './job-process.js';
import type { JobExit, RunnerModule } from './job-process.js';
import type { JobStore } from './job-store.js';
import { FINAL_STATES, JOB_STATE_FILE, countersOf } from './job-types.js';
import type { Job, JobCounters } from './job-types.js';
import { deliverWebhook } from './webhook.js';
import type { WebhookSettings } from './webhook.js';

/** What the SSE stream of a job sends: `progress` (counters), `state` (the job) and `end` (the webhook payload). */
export type JobEvent = { event: 'progress'; data: JobCounters } | { event: 'state'; data: Job } | { event: 'end'; data: object };

/** The outputs a job may write, by the name `files` gives them. */
const OUTPUT_FILES: Readonly<Record<string, string>> = {
  pages: 'pages.jsonl', records: 'records.jsonl', images: 'images.jsonl', gallery: 'index.html',
  report: 'report.html', audit: 'audit.json', auditCsv: 'audit.csv', log: 'job.log',
};

/** The JSON a webhook receives when a job ends (and the SSE `end` event's data): the job, event `job.ended`. */
export function endPayload(job: Job): object {
  const { webhook: _webhook, ...rest } = job;
  return { event: 'job.ended', ...rest };
}

interface Running {
  process: JobProcess;
  cancelled: boolean;
  lastSave: number;
  /** Settles once the job's end is recorded and its slot is free. */
  ended: Promise<void>;
}

/** How the queue runs jobs. */
export interface JobQueueSettings {
  maxJobs: number;
  denyPrivate: boolean;
  progressIntervalMs: number;
  webhook: Omit<WebhookSettings, 'denyPrivate'>;
  logger: Logger;
  /** How much lower each job process's CPU priority is than the server's. */
  jobNiceness: number;
  /** The job runner module. @default the one beside this module */
  runner?: RunnerModule;
  /** Longest wait for a stopped job process to flush and exit before it is killed. @default 30000 */
  stopTimeoutMs?: number;
}

// Counters are written to job.json at most this often while a job runs (every change of state is written at once).
const SAVE_EVERY_MS = 2000;

/**
 * Runs jobs in order of submission, at most `maxJobs` at once, each in its own process, and keeps their `job.json`
 * and listeners up to date. Ends with the webhook, retried in the background.
 */
export class JobQueue {
  readonly #store: JobStore;
  readonly #settings: JobQueueSettings;
  readonly #waiting: string[] = [];
  readonly #running = new Map<string, Running>();
  readonly #resuming = new Set<string>();
  readonly #listeners = new Map<string, Set<(event: JobEvent) => void>>();
  readonly #webhooks = new Set<Promise<unknown>>();
  readonly #stopping = new AbortController();

  constructor(store: JobStore, settings: JobQueueSettings) {
    this.#store = store;
    this.#settings = settings;
  }

  /** How many jobs wait for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** The process id of a running job (for logs and tests). */
  processId(id: string): number | undefined {
    return this.#running.get(id)?.process.pid;
  }

  /** Queues a job just created in the store. */
  submit(job: Job): void {
    this.#waiting.push(job.id);
    this.#pump();
  }

  /** Subscribes to a job's events; returns the unsubscribe function. */
  subscribe(id: string, listener: (event: JobEvent) => void): () => void {
    let set = this.#listeners.get(id);
    if (!set) this.#listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(id);
    };
  }

  /**
   * Cancels a job: a queued one at once, a running one by stopping its process (what was fetched stays, outputs are
   * flushed). Resolves with the job once it is `cancelled`; undefined when the job had already ended.
   */
  async cancel(job: Job): Promise<Job | undefined> {
    if (job.state === 'queued') {
      this.#waiting.splice(this.#waiting.indexOf(job.id), 1);
      await this.#end(job, 'cancelled', undefined);
      return job;
    }
    const running = this.#running.get(job.id);
    if (!running) return undefined;
    running.cancelled = true;
    running.process.stop();
    await running.ended;
    return job;
  }

  /**
   * Queues an ended job again: it continues from its persisted state (`state.db`), fetching none of the pages already
   * recorded (an audit's report files are removed: the resumed audit writes them for the whole run). Resolves with the job as queued; undefined when the job has
   * not ended or ended `done`.
   */
  async resume(job: Job): Promise<Job | undefined> {
    if (!FINAL_STATES.has(job.state) || job.state === 'done') return undefined;
    if (job.mode === 'audit') for (const name of ['audit.json', 'audit.csv', 'report.html']) await rm(join(this.#store.dir(job.id), name), { force: true });
    job.state = 'queued';
    job.error = null;
    job.summary = null;
    job.endedAt = null;
    job.resumes += 1;
    if (job.webhook) job.webhook.attempts = [];
    if (job.mode !== 'audit' && existsSync(join(this.#store.dir(job.id), JOB_STATE_FILE))) this.#resuming.add(job.id);
    await this.#changed(job);
    const queued = structuredClone(job);
    this.submit(job);
    return queued;
  }

  /**
   * Stops everything for a shutdown: queued jobs and running ones (stopped, flushed, then killed if they overstay)
   * are marked `interrupted`, so they can be resumed after a restart; pending webhook retries are dropped.
   */
  async stop(): Promise<void> {
    this.#stopping.abort();
    for (const id of this.#waiting.splice(0)) {
      const job = this.#store.get(id);
      if (job) await this.#end(job, 'interrupted', { kind: 'error', error: { code: 'interrupted', message: 'The server stopped while the job was queued' } });
    }
    const running = [...this.#running.values()];
    for (const entry of running) entry.process.stop();
    const timeout = setTimeout(() => running.forEach((entry) => entry.process.kill()), this.#settings.stopTimeoutMs ?? 30_000);
    await Promise.all(running.map((entry) => entry.ended));
    clearTimeout(timeout);
    await Promise.allSettled([...this.#webhooks]);
    await this.#store.flush();
  }

  /** Resolves once every webhook delivery in progress has ended (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.#webhooks.size > 0) await Promise.allSettled([...this.#webhooks]);
  }

  #pump(): void {
    while (!this.#stopping.signal.aborted && this.#running.size < this.#settings.maxJobs && this.#waiting.length > 0) {
      const job = this.#store.get(this.#waiting.shift() as string);
      if (job) this.#start(job);
    }
  }

  #start(job: Job): void {
    const resume = this.#resuming.delete(job.id);
    const entry: Running = {
      cancelled: false,
      lastSave: Date.now(),
      ended: Promise.resolve(),
      process: new JobProcess(
        { mode: job.mode, urls: job.urls, options: job.options, outDir: this.#store.dir(job.id), denyPrivate: this.#settings.denyPrivate, resume, progressIntervalMs: this.#settings.progressIntervalMs },
        { onProgress: (counters) => this.#progress(job, entry, counters) },
        this.#settings.runner,
        this.#settings.jobNiceness,
      ),
    };
    this.#running.set(job.id, entry);
    job.state = 'running';
    job.startedAt = new Date().toISOString();
    this.#settings.logger.info({ job: job.id, mode: job.mode, pid: entry.process.pid, resume }, 'job started');
    void this.#changed(job);
    entry.ended = entry.process.exited.then(async (exit) => {
      const state = this.#stopping.signal.aborted ? 'interrupted' : entry.cancelled ? 'cancelled' : exit.kind === 'end' ? 'done' : 'failed';
      try {
        await this.#end(job, state, exit);
      } finally {
        this.#running.delete(job.id);
        this.#pump();
      }
    });
  }

  #progress(job: Job, entry: Running, counters: JobCounters): void {
    job.counters = counters;
    this.#refreshFiles(job);
    this.#emit(job.id, { event: 'progress', data: counters });
    if (Date.now() - entry.lastSave >= SAVE_EVERY_MS) {
      entry.lastSave = Date.now();
      void this.#store.save(job).catch((error: unknown) => this.#settings.logger.error({ err: error, job: job.id }, 'job.json could not be written'));
    }
  }

  async #end(job: Job, state: Job['state'], exit: JobExit | undefined): Promise<void> {
    job.state = state;
    job.endedAt = new Date().toISOString();
    if (exit?.kind === 'end') {
      job.summary = exit.summary;
      job.counters = countersOf(exit.summary as never);
    } else if (exit?.kind === 'error') job.error = exit.error;
    this.#refreshFiles(job);
    this.#settings.logger.info({ job: job.id, state, error: job.error ?? undefined }, 'job ended');
    const saved = this.#changed(job);
    // Tracked before anyone hears of the end, so idle() waits for this delivery too.
    const webhook = job.webhook;
    if (webhook && state !== 'interrupted') this.#track(saved.then(() => this.#deliver(job, webhook)));
    await saved;
    this.#emit(job.id, { event: 'end', data: endPayload(job) });
  }

  async #deliver(job: Job, webhook: NonNullable<Job['webhook']>): Promise<void> {
    const settings = { ...this.#settings.webhook, denyPrivate: this.#settings.denyPrivate };
    await deliverWebhook(webhook.url, endPayload(job), settings, async (attempt, n) => {
      webhook.attempts.push(attempt);
      const log = { job: job.id, url: webhook.url, attempt: n, status: attempt.status, error: attempt.error ?? undefined };
      if (attempt.error === null) this.#settings.logger.info(log, 'webhook delivered');
      else this.#settings.logger.warn(log, 'webhook attempt failed');
      await this.#changed(job);
    }, this.#stopping.signal);
  }

  #track(promise: Promise<unknown>): void {
    const tracked = promise.catch((error: unknown) => this.#settings.logger.error({ err: error }, 'webhook delivery failed'));
    this.#webhooks.add(tracked);
    void tracked.finally(() => this.#webhooks.delete(tracked));
  }

  async #changed(job: Job): Promise<void> {
    this.#emit(job.id, { event: 'state', data: job });
    await this.#store.save(job).catch((error: unknown) => this.#settings.logger.error({ err: error, job: job.id }, 'job.json could not be written'));
  }

  #refreshFiles(job: Job): void {
    const dir = this.#store.dir(job.id);
    for (const [name, file] of Object.entries(OUTPUT_FILES)) if (!job.files[name] && existsSync(join(dir, file))) job.files[name] = file;
  }

  #emit(id: string, event: JobEvent): void {
    for (const listener of this.#listeners.get(id) ?? []) listener(event);
  }
}
