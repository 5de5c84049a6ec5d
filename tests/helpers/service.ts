import { request as httpRequest } from 'node:http';
import { resolve } from 'node:path';
import { startService } from '../../src/serve/service.js';
import type { Service } from '../../src/serve/service.js';
import type { ServeOptions } from '../../src/serve/serve-options.js';
import type { Job, JobState } from '../../src/serve/job-types.js';
import { FINAL_STATES } from '../../src/serve/job-types.js';

/**
 * The built job runner (`npm test` builds before vitest, as the CLI tests rely on): it starts in a fraction of the
 * time the sources take through tsx.
 */
export const BUILT_RUNNER = { path: resolve('dist/serve/job-runner.js'), execArgv: [] };

/**
 * Starts the service on 127.0.0.1, port 0, with its data in `dataDir`; loopback sites allowed unless told. Jobs run at
 * the test's own CPU priority, so a busy machine does not starve them.
 */
export function startTestService(dataDir: string, options: ServeOptions = {}): Promise<Service> {
  return startService({ host: '127.0.0.1', port: 0, dataDir, allowPrivate: true, progressIntervalMs: 50, webhookBackoffMs: 50, jobRunner: BUILT_RUNNER, jobNiceness: 0, ...options });
}

/** An answer of the API. */
export interface Answer<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

/**
 * Sends a raw HTTP request (node:http, so paths reach the server exactly as written: `..` and encodings included) and
 * reads the JSON answer (`body` is undefined when it is not JSON).
 */
export function call<T = any>(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const url = new URL(base);
  const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname, port: url.port, method, path,
        headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: T | undefined;
          try {
            parsed = JSON.parse(text) as T;
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed as T, text });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Resolves with the job once it is in one of `states` (default: any final state), from the queue's events. */
export function waitForState(service: Service, id: string, states: readonly JobState[] = [...FINAL_STATES]): Promise<Job> {
  return new Promise((resolve) => {
    const check = () => {
      const job = service.store.get(id);
      if (job && states.includes(job.state)) {
        unsubscribe();
        resolve(job);
        return true;
      }
      return false;
    };
    const unsubscribe = service.queue.subscribe(id, () => void check());
    check();
  });
}

/** Resolves once the job has reported at least `pages` pages. */
export function waitForPages(service: Service, id: string, pages: number): Promise<Job> {
  return new Promise((resolve) => {
    const unsubscribe = service.queue.subscribe(id, () => {
      const job = service.store.get(id);
      if (job && job.counters.pages >= pages) {
        unsubscribe();
        resolve(job);
      }
    });
  });
}

/** A chain of `count` pages /p0 -> /p1 -> ... on the site, each answering after `delayMs`. */
export function chainSite(site: { delay(path: string, ms: number, html: string): unknown }, count: number, delayMs: number): void {
  for (let n = 0; n < count; n++) {
    const next = n + 1 < count ? `<a href="/p${n + 1}">next</a><a href="/q${n}">side</a>` : '';
    site.delay(n === 0 ? '/' : `/p${n}`, delayMs, `<!doctype html><title>page ${n}</title>${next}`);
    site.delay(`/q${n}`, delayMs, `<!doctype html><title>side ${n}</title>`);
  }
}
