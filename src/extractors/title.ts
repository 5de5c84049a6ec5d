import { Extractor } from './extractor.js';
import type { WorkerSpec, Extracted } from './extractor.js';
import type { Page } from './page.js';

/** What {@link TitleExtractor} records for each page. */
export interface TitleRecord {
  /** The page's final URL. */
  url: string;
  /** `<title>` text, or `null` when there is none. */
  title: string | null;
  /** `<meta name="description">` content, or `null`. */
  description: string | null;
  /** Text of every `<h1>`, in order. */
  h1: string[];
  /** `<link rel="canonical">` resolved to an absolute URL, or `null`. */
  canonical: string | null;
  /** `<html lang>`, or `null`. */
  lang: string | null;
}

/** Records each page's title, meta description, h1 headings, canonical URL and language. */
export class TitleExtractor extends Extractor<TitleRecord> {
  readonly name = 'title';

  override workerSpec(): WorkerSpec {
    return { module: import.meta.url, exportName: 'TitleExtractor', args: [] };
  }

  override elementsRead(): readonly string[] {
    return ['title', 'meta', 'link', 'h1', 'html', 'base'];
  }

  extract(page: Page): Extracted<TitleRecord> {
    const description = page
      .elements('meta')
      .find((meta) => page.attr(meta, 'name')?.toLowerCase() === 'description');
    const canonical = page
      .elements('link')
      .find((link) => (page.attr(link, 'rel') ?? '').toLowerCase().split(/\s+/).includes('canonical'));
    const canonicalHref = canonical ? page.attr(canonical, 'href') : undefined;
    const [html] = page.elements('html');
    return {
      records: [
        {
          url: page.finalUrl,
          title: page.title(),
          description: description ? (page.attr(description, 'content')?.trim() ?? '') : null,
          h1: page.elements('h1').map((h1) => page.text(h1)),
          canonical: canonicalHref !== undefined ? page.resolve(canonicalHref) : null,
          lang: (html && page.attr(html, 'lang')) || null,
        },
      ],
    };
  }
}
