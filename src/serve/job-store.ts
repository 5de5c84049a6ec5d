import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FINAL_STATES, ZERO_COUNTERS } from './job-types.js';
import type { Job, JobMode } from './job-types.js';

/** The state file in each job's folder. */
export const JOB_FILE = 'job.json';

/** What a job id looks like: creation time in base 36 (so ids sort by age), then random hex. */
export const JOB_ID_PATTERN = '^[0-9a-z]{9}[0-9a-f]{8}$';
const JOB_ID = new RegExp(JOB_ID_PATTERN);

let lastMs = 0;

// The time part never goes back nor repeats within a process (a logical clock), so ids made in one millisecond still
// sort in creation order.
function newJobId(): string {
  lastMs = Math.max(Date.now(), lastMs + 1);
  return lastMs.toString(36).padStart(9, '0') + randomBytes(4).toString('hex');
}

/**
 * The jobs under the data folder: one folder per job holding its outputs and `job.json`, written atomically (a
 * temporary file renamed over it) after every change of state. Opening the store lists the jobs of earlier runs of
 * the server again and marks those that were `running` or `queued` then as `interrupted`.
 */
export class JobStore {
  readonly dataDir: string;
  readonly #jobs = new Map<string, Job>();
  /** Per job, the last write of its `job.json`, so writes land in order. */
  readonly #writes = new Map<string, Promise<void>>();

  private constructor(dataDir: string) {
    this.dataDir = dataDir;
  }

  /** Opens (creating) the data folder and loads every job in it. Unreadable `job.json` files are skipped. */
  static async open(dataDir: string): Promise<JobStore> {
    const store = new JobStore(dataDir);
    await mkdir(dataDir, { recursive: true });
    for (const entry of await readdir(dataDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !JOB_ID.test(entry.name)) continue;
      let job: Job;
      try {
        job = JSON.parse(await readFile(join(dataDir, entry.name, JOB_FILE), 'utf8')) as Job;
      } catch {
        continue;
      }
      if (job.id !== entry.name) continue;
      store.#jobs.set(job.id, job);
      if (!FINAL_STATES.has(job.state)) {
        job.state = 'interrupted';
        job.endedAt ??= new Date().toISOString();
        job.error ??= { code: 'interrupted', message: 'The server stopped while the job was queued or running' };
        await store.save(job);
      }
    }
    return store;
  }

  /** Whether `id` has the shape of a job id (so it can name a folder safely). Pure. */
  static isJobId(id: string): boolean {
    return JOB_ID.test(id);
  }

  /** The folder of a job. */
  dir(id: string): string {
    return join(this.dataDir, id);
  }

  /** Creates a queued job, its folder and its `job.json`. */
  async create(mode: JobMode, urls: string[], options: Record<string, unknown>, webhook: string | undefined): Promise<Job> {
    let id = newJobId();
    while (this.#jobs.has(id)) id = newJobId();
    const job: Job = {
      id, mode, urls, options, state: 'queued', createdAt: new Date().toISOString(), startedAt: null, endedAt: null,
      counters: { ...ZERO_COUNTERS }, summary: null, error: null, webhook: webhook === undefined ? null : { url: webhook, attempts: [] }, files: {}, resumes: 0,
    };
    await mkdir(this.dir(id), { recursive: true });
    this.#jobs.set(id, job);
    await this.save(job);
    return job;
  }

  /** The job with this id, if any. */
  get(id: string): Job | undefined {
    return this.#jobs.get(id);
  }

  /** Every job, newest first. */
  all(): Job[] {
    return [...this.#jobs.values()].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  /** A page of jobs, newest first, after the job `cursor` (an id); `next` is the cursor of the next page or null. */
  page(limit: number, cursor: string | undefined): { jobs: Job[]; next: string | null } {
    const all = this.all();
    const start = cursor === undefined ? 0 : all.findIndex((job) => job.id < cursor);
    const jobs = start < 0 ? [] : all.slice(start, start + limit);
    const last = jobs.at(-1);
    return { jobs, next: last !== undefined && start + limit < all.length ? last.id : null };
  }

  /** Writes the job's `job.json` atomically; writes of one job land in the order asked. */
  save(job: Job): Promise<void> {
    const path = join(this.dir(job.id), JOB_FILE);
    const text = `${JSON.stringify(job, null, 2)}\n`;
    const previous = this.#writes.get(job.id) ?? Promise.resolve();
    const next = previous.then(async () => {
      const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temporary, text);
      await rename(temporary, path).catch(async (error: unknown) => {
        await rm(temporary, { force: true });
        throw error;
      });
    });
    const settled = next.catch(() => undefined);
    this.#writes.set(job.id, settled);
    return next;
  }

  /** Waits for every pending `job.json` write. */
  async flush(): Promise<void> {
    await Promise.all(this.#writes.values());
  }
}
