import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunnerMessage, RunnerSpec } from './job-runner.js';
import type { JobCounters } from './job-types.js';

/** How a job process ended. */
export type JobExit =
  | { kind: 'end'; summary: Record<string, unknown> }
  | { kind: 'error'; error: { code: string; message: string } };

/** What a job process reports while it runs. */
export interface JobProcessEvents {
  onProgress(counters: JobCounters): void;
}

/** The module a job process runs, and the Node options it needs. */
export interface RunnerModule {
  path: string;
  execArgv: string[];
}

// From the sources (tsx) the runner is a .ts file that needs tsx's loader; from dist it is plain JavaScript.
const here = fileURLToPath(import.meta.url);
const fromSources = here.endsWith('.ts');

/** The job runner beside this module. */
export const DEFAULT_RUNNER: RunnerModule = {
  path: join(dirname(here), fromSources ? 'job-runner.ts' : 'job-runner.js'),
  execArgv: fromSources ? ['--import', 'tsx'] : [],
};

/** The last bytes of a job process's stderr, kept for the message of a crash. */
const STDERR_TAIL = 2000;

/**
 * One job's process (`job-runner`), forked so a crawl never blocks the server's event loop and a crash of a job does
 * not take the server down. `stop()` sends SIGINT (the crawl stops and flushes its outputs); `exited` resolves once
 * the process is gone, with the end the runner reported or a `job-crashed` error.
 */
export class JobProcess {
  readonly exited: Promise<JobExit>;
  readonly #child: ChildProcess;

  /** `niceness`: how much lower the job's CPU priority is than the server's (0-19). */
  constructor(spec: RunnerSpec, events: JobProcessEvents, runner: RunnerModule = DEFAULT_RUNNER, niceness = 0) {
    this.#child = fork(runner.path, [], {
      execArgv: runner.execArgv,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    // The crawl yields the CPU to the server, so the API answers quickly while a job keeps every core busy.
    if (this.#child.pid !== undefined && niceness > 0) {
      try {
        setPriority(this.#child.pid, Math.min(19, getPriority() + niceness));
      } catch {
        // Not allowed here (some containers): the job runs at the server's priority.
      }
    }
    let stderr = '';
    this.#child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL)));
    let reported: JobExit | undefined;
    this.#child.on('message', (message: RunnerMessage) => {
      if (message.type === 'progress') events.onProgress(message.counters);
      else if (message.type === 'end') reported = { kind: 'end', summary: message.summary };
      else if (message.type === 'error') reported = { kind: 'error', error: message.error };
    });
    this.exited = new Promise((resolve) => {
      this.#child.on('error', (error) => {
        reported ??= { kind: 'error', error: { code: 'job-crashed', message: `The job process could not run: ${error.message}` } };
      });
      this.#child.on('close', (code, signal) => {
        const how = signal ? `signal ${signal}` : `exit code ${String(code)}`;
        const tail = stderr.trim().split('\n').slice(-3).join(' | ');
        resolve(reported ?? { kind: 'error', error: { code: 'job-crashed', message: `The job process ended with ${how}${tail ? `: ${tail}` : ''}` } });
      });
    });
    this.#child.send(spec);
  }

  /** The process id of the job (for logs and tests). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Asks the job to stop (SIGINT): in-flight requests get their grace, outputs are flushed. */
  stop(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGINT');
  }

  /** Ends the job process at once (SIGKILL): for a job that did not stop in time. */
  kill(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
  }
}
