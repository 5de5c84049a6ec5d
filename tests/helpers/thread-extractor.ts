import { threadId } from 'node:worker_threads';
import { Extractor } from '../../src/index.js';
import type { Extracted, Page, WorkerSpec } from '../../src/index.js';

/** Options of {@link ThreadExtractor}: plain data, so a worker can rebuild it. */
export interface ThreadExtractorOptions {
  /** Throw on pages whose path ends with this. */
  failOn?: string;
  /** Offer a worker spec (true) or stay on the main thread (false). */
  inWorkers: boolean;
  /** Keep the CPU busy this long on every page (ms), like an extractor with heavy work to do. */
  busyMs?: number;
  /** Declare the one tag it reads (`h1`), so pages may be read by the streaming pass; `streamed` tells whether they were. */
  streamable?: boolean;
}

/** Records which thread parsed each page (threadId 0 is the main thread), and can be told to throw. */
export class ThreadExtractor extends Extractor<{ url: string; threadId: number; h1: string[]; streamed?: boolean }> {
  readonly name = 'thread';
  constructor(readonly options: ThreadExtractorOptions) {
    super();
  }
  extract(page: Page): Extracted<{ url: string; threadId: number; h1: string[]; streamed?: boolean }> {
    if (this.options.failOn && page.finalUrl.endsWith(this.options.failOn)) throw new Error('told to fail');
    const busyUntil = performance.now() + (this.options.busyMs ?? 0);
    while (performance.now() < busyUntil);
    const h1 = page.elements('h1');
    const record = { url: page.finalUrl, threadId, h1: h1.map((element) => page.text(element)) };
    // Elements from the streaming pass are not in a tree.
    return { records: [this.options.streamable ? { ...record, streamed: h1.length > 0 && h1.every((element) => element.parentNode === null) } : record] };
  }
  override elementsRead(): readonly string[] | undefined {
    return this.options.streamable ? ['h1'] : undefined;
  }
  override workerSpec(): WorkerSpec | undefined {
    return this.options.inWorkers ? { module: import.meta.url, exportName: 'ThreadExtractor', args: [this.options] } : undefined;
  }
}
