import { threadId } from 'node:worker_threads';
import { Extractor } from '../../src/index.js';
import type { Extracted, Page, WorkerSpec } from '../../src/index.js';

/** Options of {@link ThreadExtractor}: plain data, so a worker can rebuild it. */
export interface ThreadExtractorOptions {
  /** Throw on pages whose path ends with this. */
  failOn?: string;
  /** Offer a worker spec (true) or stay on the main thread (false). */
  inWorkers: boolean;
}

/** Records which thread parsed each page (threadId 0 is the main thread), and can be told to throw. */
export class ThreadExtractor extends Extractor<{ url: string; threadId: number; h1: string[] }> {
  readonly name = 'thread';
  constructor(readonly options: ThreadExtractorOptions) {
    super();
  }
  extract(page: Page): Extracted<{ url: string; threadId: number; h1: string[] }> {
    if (this.options.failOn && page.finalUrl.endsWith(this.options.failOn)) throw new Error('told to fail');
    return { records: [{ url: page.finalUrl, threadId, h1: page.elements('h1').map((h1) => page.text(h1)) }] };
  }
  override workerSpec(): WorkerSpec | undefined {
    return this.options.inWorkers ? { module: import.meta.url, exportName: 'ThreadExtractor', args: [this.options] } : undefined;
  }
}
