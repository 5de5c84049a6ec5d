import type { Page } from './page.js';

/** A value now or a promise of it. */
export type Awaitable<T> = T | Promise<T>;

/** A link found on a page, as an absolute URL (not yet normalized or filtered: the crawler does that). */
export interface FoundLink {
  /** Absolute URL, resolved against the page's final URL and `<base href>`. */
  url: string;
  /** Link text (or `alt` for areas), white space collapsed. */
  text?: string;
  /** The element it came from (`a`, `area`, `link`, ...). */
  element?: string;
  /** The attribute it came from (`href`, `src`, ...). */
  attribute?: string;
  /** The `rel` attribute, as written. */
  rel?: string;
  /** The page or the link asked not to be followed (`rel=nofollow`, `<meta name=robots content=nofollow>`). */
  nofollow?: boolean;
}

/** A file an extractor wants fetched and saved (images and such). Savers act on these; the crawl never enqueues them. */
export interface DownloadRequest {
  /** Absolute URL of the file. */
  url: string;
  /** What it is, for the saver that handles it (`image`, ...). */
  kind: string;
  /** Anything the saver should keep with the file (alt text, declared size, ...). */
  data?: Record<string, unknown>;
}

/** What an extractor, or `Crawler.parse()`, returns for one page. Every field is optional. */
export interface Extracted<R extends object = Record<string, unknown>> {
  /** Data for the dataset. */
  records?: R[];
  /** Links for the crawler to consider (scope, robots, depth and seen-set still apply). */
  links?: FoundLink[];
  /** Files for savers to fetch. */
  downloads?: DownloadRequest[];
}

/**
 * How a worker thread builds its own copy of an extractor: the module that exports the class (a file URL, usually
 * `import.meta.url`), the export's name, and constructor arguments that survive structured cloning (plain data).
 */
export interface WorkerSpec {
  module: string;
  exportName: string;
  args: unknown[];
}

/**
 * Base class of extractors: per-page data. Subclass it, give it a `name`, and implement `extract(page)`.
 *
 * `extract` is called once for every HTML page the crawl fetches (never for other content types), after the page is
 * decoded; the tree is parsed on first use and shared by all extractors of the page. It must be pure: read the page,
 * return records, links and downloads; do no I/O and keep no state shared across pages, so it can run on a worker
 * thread. If it throws (or rejects), the page is recorded with error `extractor-failed` and the crawl goes on.
 *
 * Records returned without a `type` field get `type: name`.
 */
export abstract class Extractor<R extends object = Record<string, unknown>> {
  /** Stable id: the records' `type` and the logger binding. */
  abstract readonly name: string;
  /** Called once per parsed HTML page. */
  abstract extract(page: Page): Awaitable<Extracted<R>>;

  /**
   * Where a worker thread can load this extractor, so pages can be parsed on every core. The default, `undefined`,
   * keeps it on the main thread. Override it (returning `{ module: import.meta.url, exportName: 'MyExtractor', args:
   * [this.options] }`) only when the class can be rebuilt from plain-data arguments and `extract` uses nothing else.
   */
  workerSpec(): WorkerSpec | undefined {
    return undefined;
  }

  /**
   * The tag names `extract` reads, for an extractor that reads the page only through `page.elements()` with these
   * names, `page.attr()`, `page.text()`, `page.title()`, `page.baseUrl` and `page.resolve()` (never `page.document`
   * or an element's parent or children). When every extractor of a crawl declares them, and all are in
   * `STREAMABLE_TAGS`, each page is read in one streaming pass of parse5's tokenizer instead of building the whole tree,
   * with the same results (pages the pass cannot read exactly get the tree). The default, `undefined`, means the
   * extractor may read anything, so the tree is built. An extractor that uses `page.select()` or `page.selectOne()`
   * leaves it undefined: selectors match on the tree (its parents, siblings and children), so they build it anyway.
   */
  elementsRead(): readonly string[] | undefined {
    return undefined;
  }
}
