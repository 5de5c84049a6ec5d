// A parse worker: builds the extractors from their specs once, then decodes, parses and extracts each page it is sent.
// Only small results (records, links, downloads, title) go back to the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import type { Extractor } from '../extractors/extractor.js';
import { Page } from '../extractors/page.js';
import { lazyHtmlText } from './charset.js';
import { ExtractorError } from '../errors.js';
import { runExtractors } from './extraction.js';
import { compactLinksOf } from './compact-links.js';
import type { ParseJob, ParseReply, ParseWorkerData, WorkerReady } from './parse-job.js';

async function buildExtractors(data: ParseWorkerData): Promise<Extractor<object>[]> {
  const extractors: Extractor<object>[] = [];
  for (const spec of data.specs) {
    const module = (await import(spec.module)) as Record<string, new (...args: unknown[]) => Extractor<object>>;
    const ExtractorClass = module[spec.exportName];
    if (typeof ExtractorClass !== 'function') throw new Error(`${spec.module} has no export ${spec.exportName}`);
    extractors.push(new ExtractorClass(...spec.args));
  }
  return extractors;
}

let compactLinks = false;

async function handle(extractors: Extractor<object>[], job: ParseJob): Promise<ParseReply> {
  const body = Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength);
  const page = new Page({ ...job, body, ...lazyHtmlText(body, job.headers['content-type']) });
  try {
    const extracted = await runExtractors(extractors, page);
    const reply: ParseReply = { id: job.id, ok: true, title: page.title(), baseUrl: page.baseUrl, extracted };
    if (compactLinks) {
      reply.compactLinks = compactLinksOf(extracted.links);
      extracted.links = [];
    }
    return reply;
  } catch (error) {
    const failure = error instanceof ExtractorError ? error : new ExtractorError('parse', String(error));
    return { id: job.id, ok: false, extractor: failure.extractor, message: failure.message };
  }
}

const port = parentPort;
if (port) {
  // A worker started ahead of its crawl (`prestartParseWorker`) has no data: it loads its modules while the main
  // thread loads its own, and the first message tells it the extractors.
  const given = workerData as ParseWorkerData | undefined;
  const configured = given
    ? Promise.resolve(given)
    : new Promise<ParseWorkerData>((resolve) => port.once('message', (message: { configure: ParseWorkerData }) => resolve(message.configure)));
  const ready = configured.then((data) => {
    compactLinks = data.compactLinks === true;
    return buildExtractors(data);
  });
  // Until this arrives the pool gives jobs to workers that are ready, if it has any. A worker whose extractors failed
  // to build says so too, and then fails every job with the reason.
  const settled = () => port.postMessage({ ready: true } satisfies WorkerReady);
  ready.then(settled, settled);
  port.on('message', (job: ParseJob | { configure: ParseWorkerData }) => {
    if ('configure' in job) return;
    ready
      .then((extractors) => handle(extractors, job))
      .then(
        (reply) => port.postMessage(reply),
        (error: unknown) => port.postMessage({ id: job.id, ok: false, extractor: 'worker', message: String(error) } satisfies ParseReply),
      );
  });
}
