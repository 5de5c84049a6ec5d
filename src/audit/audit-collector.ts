import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PageRecord } from '../crawler/page-record.js';
import type { Saver, SaverContext } from '../extractors/saver.js';
import type { AuditPageRecord } from '../extractors/audit.js';
import type { TitleRecord } from '../extractors/title.js';
import type { DatasetWriter } from '../storage/dataset.js';

/** What an audit keeps of a crawl: page records, and the title and audit records of HTML pages. */
export interface AuditData {
  pages: PageRecord[];
  titles: TitleRecord[];
  audits: AuditPageRecord[];
}

/** What the collector is given. */
export interface AuditCollectorOptions {
  /** Told of every redirect the crawl answered but did not follow (its target was seen, or out of scope). */
  onUnfollowedRedirect: (target: string) => void;
  /** The user's own writers, which get every record too. */
  pages?: DatasetWriter<PageRecord> | undefined;
  records?: DatasetWriter<Record<string, unknown>> | undefined;
}

const isRedirect = (status: number | null) => status !== null && status >= 300 && status < 400;

/**
 * The dataset writers of an audit crawl: keeps page records and the `title` and `audit` records in memory for the
 * report, remembers which URLs the crawl fetched, and passes everything on to the user's own writers.
 */
export class AuditCollector {
  data: AuditData = { pages: [], titles: [], audits: [] };
  readonly #fetched = new Set<string>();
  readonly #options: AuditCollectorOptions;

  constructor(options: AuditCollectorOptions) {
    this.#options = options;
  }

  /** Forgets the last run. */
  reset(): void {
    this.data = { pages: [], titles: [], audits: [] };
    this.#fetched.clear();
  }

  /** Whether the crawl fetched a URL: a page record has it as its URL, or as the final URL it answered from. */
  isFetched(url: string): boolean {
    return this.#fetched.has(url);
  }

  /** The writer the crawl's `pages` option gets. */
  readonly pages: DatasetWriter<PageRecord> = {
    write: (record) => {
      this.#keepPage(record);
      return this.#options.pages?.write(record);
    },
    close: () => this.#options.pages?.close(),
  };

  /** The writer the crawl's `records` option gets. */
  readonly records: DatasetWriter<Record<string, unknown>> = {
    write: (record) => {
      this.#keepRecord(record);
      return this.#options.records?.write(record);
    },
    close: () => this.#options.records?.close(),
  };

  /**
   * A saver taking no downloads, run after the link checker's: when a persisted audit is resumed, it reads back what
   * the pages done before the stop wrote to `pages.jsonl` and `records.jsonl` in the crawl's output directory (cut
   * back by then to what the state committed), so the report covers them. The user's writers are not told again.
   */
  readonly restorer: Saver = {
    name: 'audit-restore',
    kinds: [],
    open: async (context: SaverContext) => {
      if (context.state?.resumed !== true || context.outDir === undefined) return;
      for (const record of await readJsonLines(join(context.outDir, 'pages.jsonl'))) this.#keepPage(record as unknown as PageRecord);
      for (const record of await readJsonLines(join(context.outDir, 'records.jsonl'))) this.#keepRecord(record);
    },
    add: () => undefined,
    close: async () => undefined,
  };

  #keepPage(record: PageRecord): void {
    this.data.pages.push(record);
    this.#fetched.add(record.url);
    const unfollowed = isRedirect(record.status) && record.error === null && record.finalUrl !== record.url;
    if (unfollowed) this.#options.onUnfollowedRedirect(record.finalUrl);
    else this.#fetched.add(record.finalUrl);
  }

  #keepRecord(record: Record<string, unknown>): void {
    if (record['type'] === 'title') this.data.titles.push(record as unknown as TitleRecord);
    else if (record['type'] === 'audit') this.data.audits.push(record as unknown as AuditPageRecord);
  }
}

/** The objects of a JSON Lines file (none when it is missing). */
async function readJsonLines(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
}
