import { Worker } from 'node:worker_threads';
import type { WorkerSpec } from '../extractors/extractor.js';
import type { ParseJob, ParseReply, ParseWorkerData } from './parse-job.js';

interface Pending {
  resolve: (reply: ParseReply) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, Pending>;
}

// Under vitest or tsx the sources (ours or the user's extractors) are TypeScript. `--import tsx` in a worker's execArgv
// registers its hooks too late for the worker's own entry module, so such a worker starts from a small script that
// registers tsx first and then imports the entry.
const ownUrl = import.meta.url;
const isTypeScript = ownUrl.endsWith('.ts');
const workerUrl = new URL(isTypeScript ? './parse-worker.ts' : './parse-worker.js', ownUrl);

function startWorker(workerData: ParseWorkerData): Worker {
  const needsTsx = isTypeScript || workerData.specs.some((spec) => /\.[mc]?ts$/.test(spec.module));
  if (!needsTsx) return new Worker(workerUrl, { workerData });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerUrl.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData, execArgv: withoutTsx(process.execArgv) });
}

/** execArgv without `--import tsx` / `--loader tsx` (in either spelling): the bootstrap registers tsx itself. */
function withoutTsx(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < execArgv.length; index++) {
    const arg = execArgv[index] as string;
    if (/^--(import|loader|experimental-loader)$/.test(arg) && execArgv[index + 1]?.includes('tsx')) index++;
    else if (!(arg.startsWith('--') && arg.includes('tsx'))) kept.push(arg);
  }
  return kept;
}

function isWholeBuffer(view: Uint8Array): boolean {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer;
}

/**
 * Parses pages on worker threads, so HTML parsing (parse5 is CPU-bound) uses every core while the main thread fetches.
 * Each worker builds the extractors from their specs; a job goes to the worker with the fewest jobs pending. A worker
 * that dies fails its pending jobs and is replaced.
 */
export class ParsePool {
  readonly #workers: PoolWorker[] = [];
  readonly #data: ParseWorkerData;
  #nextId = 1;
  #closed = false;

  /** Starts `size` workers (at least 1) that run the extractors described by `specs`. */
  constructor(size: number, specs: WorkerSpec[]) {
    this.#data = { specs };
    for (let index = 0; index < Math.max(1, size); index++) this.#workers.push(this.#start());
  }

  /**
   * Parses one page on the least busy worker. With `transferBody`, the body's memory moves to the worker (it must own
   * its whole ArrayBuffer) and is unusable here afterwards; otherwise it is copied. Rejects when the worker dies or the
   * pool is closed.
   */
  parse(job: Omit<ParseJob, 'id'>, transferBody = false): Promise<ParseReply> {
    if (this.#closed) return Promise.reject(new Error('parse pool closed'));
    let target = this.#workers[0] as PoolWorker;
    for (const candidate of this.#workers) if (candidate.pending.size < target.pending.size) target = candidate;
    const id = this.#nextId++;
    return new Promise<ParseReply>((resolve, reject) => {
      target.pending.set(id, { resolve, reject });
      const transfer = transferBody && isWholeBuffer(job.body) ? [job.body.buffer as ArrayBuffer] : [];
      target.worker.postMessage({ ...job, id } satisfies ParseJob, transfer);
    });
  }

  /** Stops every worker; jobs still pending are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#workers.map(({ worker }) => worker.terminate()));
  }

  #start(): PoolWorker {
    const worker = startWorker(this.#data);
    const entry: PoolWorker = { worker, pending: new Map() };
    worker.on('message', (reply: ParseReply) => {
      const pending = entry.pending.get(reply.id);
      entry.pending.delete(reply.id);
      pending?.resolve(reply);
    });
    const fail = (error: Error) => {
      for (const pending of entry.pending.values()) pending.reject(error);
      entry.pending.clear();
      const index = this.#workers.indexOf(entry);
      if (index !== -1 && !this.#closed) this.#workers[index] = this.#start();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`parse worker exited with code ${code}`)));
    return entry;
  }
}
