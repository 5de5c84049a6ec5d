import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { WorkerSpec } from '../extractors/extractor.js';
import type { ParseJob, ParseReply, ParseWorkerData, WorkerReady } from './parse-job.js';
import type { ResolvedOptions } from './options.js';
import { monotonicMs } from './clock.js';

interface Pending {
  resolve: (reply: ParseReply) => void;
  reject: (error: Error) => void;
  /** The page's size, counted towards the worker's warm-up when it is parsed. */
  bytes: number;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Its extractors are built: jobs sent now start at once. */
  ready: boolean;
  /** Bytes of pages it parsed, and `monotonicMs()` when that passed the warm-up (undefined until then). */
  bytesParsed: number;
  warmSince: number | undefined;
  /** Its event loop utilization at the last growth check. */
  utilization: EventLoopUtilization | undefined;
  /** Jobs it finished, and the count at the last growth check. */
  done: number;
  doneAtCheck: number;
}

// Under vitest or tsx the sources (ours or the user's extractors) are TypeScript. `--import tsx` in a worker's execArgv
// registers its hooks too late for the worker's own entry module, so such a worker starts from a small script that
// registers tsx first and then imports the entry.
const ownUrl = import.meta.url;
const isTypeScript = ownUrl.endsWith('.ts');
const workerUrl = new URL(isTypeScript ? './parse-worker.ts' : './parse-worker.js', ownUrl);

/** A worker started by {@link prestartParseWorker}, not yet taken by a pool; `alive` turns false if it dies first. */
let prestarted: { worker: Worker; alive: boolean } | undefined;

/**
 * Starts a parse worker before the crawl is built, so the worker loads its modules (parse5, the streaming pass) while
 * this thread loads its own: a small crawl waits for its first worker (issue 15), and this takes that wait off the
 * path to the first parsed page. The first {@link ParsePool} of the process takes it over and tells it its extractors;
 * until then it does not keep the process alive. Does nothing under TypeScript sources (tests, tsx), where workers start
 * through a tsx bootstrap. Call it after any V8 flags are set, as the worker takes them when it starts.
 */
export function prestartParseWorker(): void {
  if (isTypeScript || prestarted) return;
  const entry = { worker: new Worker(workerUrl), alive: true };
  const dead = () => (entry.alive = false);
  entry.worker.on('error', dead).on('exit', dead).unref();
  prestarted = entry;
}

function startWorker(workerData: ParseWorkerData): Worker {
  const needsTsx = isTypeScript || workerData.specs.some((spec) => /\.[mc]?ts$/.test(spec.module));
  const early = prestarted;
  prestarted = undefined;
  if (early?.alive && !needsTsx) {
    early.worker.removeAllListeners().ref();
    early.worker.postMessage({ configure: workerData });
    return early.worker;
  }
  if (early) void early.worker.terminate();
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

/** Jobs a worker holds (one parsing, the rest queued) before the next worker gets one. */
const FILL_LIMIT = 2;

/** When a {@link ParsePool} starts another worker. */
export interface PoolGrowth {
  /** How often the pool looks at its workers (ms); it does so when a job arrives. */
  windowMs: number;
  /** How much HTML a worker parses before its pace counts: until then it runs the parser cold, compiling it (bytes). */
  warmUpBytes: number;
  /** The share of a window every worker must have been busy for. */
  busyShare: number;
  /** The parse time, for one worker at the rate just seen, the backlog must still hold (ms). */
  paybackMs: number;
}

/**
 * Measured on a 2-core machine: a new worker spends about 0.5 s of CPU compiling the parser, so it is worth starting
 * only for a backlog several times that. Until a worker has parsed a few MB it runs the parser cold (the PostgreSQL
 * docs' first 150 pages took 6 ms each, the rest 1.4-2 ms): judged sooner, its warm-up passes for its capacity, and a
 * crawl of small pages that one warm worker keeps up with starts a second one that never pays back. Warm-up is counted
 * in bytes, not time or pages, because the compiler's work follows the markup parsed: a site of 95 KB pages is judged
 * after about 30 of them, one of 13 KB pages after about 230 (docs/BENCHMARKS.md, "The pool's warm-up").
 */
export const DEFAULT_POOL_GROWTH: PoolGrowth = { windowMs: 250, warmUpBytes: 3_000_000, busyShare: 0.85, paybackMs: 2_000 };

/** This process's CPU time so far, user + system, in µs (every thread). */
function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

function isWholeBuffer(view: Uint8Array): boolean {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer;
}

/**
 * Parses pages on worker threads, so HTML parsing (parse5 is CPU-bound) uses every core while the main thread fetches.
 * Each worker builds the extractors from their specs. A worker that dies fails its pending jobs and is replaced.
 *
 * The pool starts one worker and grows to `size` as parsing needs ({@link PoolGrowth}): now and then it looks at the
 * last window, and when every worker was busy for most of it, past its warm-up, and the pages still to parse would
 * keep one worker busy long enough, it starts another. A worker compiles the parser for itself (V8 shares no JIT code
 * between threads), which costs about half a second of CPU: on a crawl that ends before that is repaid, a second
 * worker takes the CPU the fetching thread needs and finishes nothing sooner. Nor does it grow while the process gets
 * less CPU than its workers look busy for: on a machine whose cores other processes hold, a worker waiting for a core
 * looks busy, and another worker would not get a core either.
 */
export class ParsePool {
  readonly #workers: PoolWorker[] = [];
  readonly #data: ParseWorkerData;
  readonly #size: number;
  readonly #backlog: () => number;
  readonly #growth: PoolGrowth;
  #nextId = 1;
  #nextGrowthCheck = 0;
  /** The process's CPU time (user + system, µs) at the last growth check. */
  #cpuAtCheck = cpuMicros();
  #closed = false;

  /**
   * Starts the first worker; the pool grows to `size` workers (at least 1), each started with `data` (the extractors).
   * `backlog` tells how many pages are still to be parsed (queued or being fetched), which growing is weighed against.
   */
  constructor(size: number, data: ParseWorkerData, backlog: () => number, growth: PoolGrowth = DEFAULT_POOL_GROWTH) {
    this.#data = data;
    this.#size = Math.max(1, size);
    this.#backlog = backlog;
    this.#growth = growth;
    this.#workers.push(this.#start());
  }

  /** Workers started (and not stopped). */
  get size(): number {
    return this.#workers.length;
  }

  /**
   * Parses one page on a ready worker (see `#pick`). With `transferBody`, the body's memory moves to the worker (it must own
   * its whole ArrayBuffer) and is unusable here afterwards; otherwise it is copied. Rejects when the worker dies or the
   * pool is closed.
   */
  parse(job: Omit<ParseJob, 'id'>, transferBody = false): Promise<ParseReply> {
    if (this.#closed) return Promise.reject(new Error('parse pool closed'));
    this.#growIfBusy();
    const target = this.#pick();
    const id = this.#nextId++;
    return new Promise<ParseReply>((resolve, reject) => {
      target.pending.set(id, { resolve, reject, bytes: job.body.byteLength });
      const transfer = transferBody && isWholeBuffer(job.body) ? [job.body.buffer as ArrayBuffer] : [];
      target.worker.postMessage({ ...job, id } satisfies ParseJob, transfer);
    });
  }

  /** Stops every worker; jobs still pending are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#workers.map(({ worker }) => worker.terminate()));
  }

  /**
   * The first ready worker with room, else the ready worker with the fewest jobs pending. Filling workers in order
   * rather than spreading jobs keeps a crawl whose parsing one worker keeps up with on one warm worker: each worker
   * compiles the parser for itself, which costs more than it saves until there is a backlog to share.
   */
  #pick(): PoolWorker {
    let least: PoolWorker | undefined;
    for (const candidate of this.#workers) {
      if (!candidate.ready) continue;
      if (candidate.pending.size < FILL_LIMIT) return candidate;
      if (!least || candidate.pending.size < least.pending.size) least = candidate;
    }
    return least ?? (this.#workers[0] as PoolWorker);
  }

  /** Once a window at most: starts another worker when the workers are a bottleneck worth widening. */
  #growIfBusy(): void {
    if (this.#workers.length >= this.#size) return;
    const growth = this.#growth;
    const now = monotonicMs();
    if (now < this.#nextGrowthCheck) return;
    const windowMs = now - this.#nextGrowthCheck + growth.windowMs;
    this.#nextGrowthCheck = now + growth.windowMs;
    const cpu = cpuMicros();
    const cpuMs = (cpu - this.#cpuAtCheck) / 1_000;
    this.#cpuAtCheck = cpu;
    let allBusy = true;
    let busyMs = 0;
    let done = 0;
    for (const entry of this.#workers) {
      const timing = entry.worker.performance;
      const current = timing.eventLoopUtilization();
      const window = entry.utilization && timing.eventLoopUtilization(current, entry.utilization);
      entry.utilization = current;
      // While it compiles the parser a worker is slow and busy: that says nothing of what it keeps up with. Its window
      // counts once the whole of it came after the warm-up.
      const warm = entry.ready && entry.warmSince !== undefined && now - windowMs >= entry.warmSince;
      if (!warm || !window || window.utilization < growth.busyShare) allBusy = false;
      busyMs += (window?.utilization ?? 0) * windowMs;
      done += entry.done - entry.doneAtCheck;
      entry.doneAtCheck = entry.done;
    }
    if (!allBusy || done === 0) return;
    // A worker thread the OS does not run looks as busy as one that runs: its event loop is not idle. When the whole
    // process got less CPU in the window than its workers were "busy", the machine is short of cores (other processes
    // hold them), and another worker would only spend CPU compiling the parser and competing with the threads it has
    // (issue 15 measured 20-30% more CPU per page from a second worker on a shared 2-core machine).
    if (cpuMs < busyMs) return;
    // The parse time the backlog still holds, at the rate the workers just showed.
    const backlogMs = this.#backlog() * (busyMs / done);
    if (backlogMs >= growth.paybackMs) this.#workers.push(this.#start());
  }

  #start(): PoolWorker {
    const worker = startWorker(this.#data);
    const warmUpBytes = this.#growth.warmUpBytes;
    const entry: PoolWorker = { worker, pending: new Map(), ready: false, bytesParsed: 0, warmSince: warmUpBytes <= 0 ? monotonicMs() : undefined, utilization: undefined, done: 0, doneAtCheck: 0 };
    worker.on('message', (reply: ParseReply | WorkerReady) => {
      if ('ready' in reply) {
        entry.ready = true;
        return;
      }
      const pending = entry.pending.get(reply.id);
      entry.pending.delete(reply.id);
      entry.done++;
      if (pending && entry.warmSince === undefined) {
        entry.bytesParsed += pending.bytes;
        if (entry.bytesParsed >= warmUpBytes) entry.warmSince = monotonicMs();
      }
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

/**
 * The extractors' worker specs when every page can be parsed on a worker thread: workers enabled, the default
 * `parse()`, and every extractor able to run in a worker. `undefined` otherwise (everything runs on the main thread).
 */
export function workerSpecsOf(options: ResolvedOptions, usesDefaultParse: boolean): WorkerSpec[] | undefined {
  if (options.workers === 0 || !usesDefaultParse || options.extractors.length === 0) return undefined;
  const specs = options.extractors.map((extractor) => extractor.workerSpec());
  return specs.every((spec): spec is WorkerSpec => spec !== undefined) ? specs : undefined;
}
