import type { FailOn } from './options.js';
import type { ExpectedContent } from './outcome-rules.js';
import type { SitemapFile } from '../crawler/sitemap-loader.js';

/** A page (or sitemap) that refers to a URL, and how. */
export interface Referrer {
  /** The referring page's final URL (or the sitemap's URL). */
  page: string;
  /** Link text, image alt, `rel` of a `<link>`; `''` when there is none. */
  text: string;
  /** `a`, `img`, `script`, `link`, ...; `sitemap` for a sitemap entry. */
  element: string;
  /** `href`, `src`, `srcset`, ...; `loc` for a sitemap entry. */
  attribute: string;
}

/** One redirect on the way to a link's final URL. */
export interface RedirectHop {
  /** The URL that answered the redirect. */
  url: string;
  status: number;
  /** 301 or 308 (as opposed to 302, 303, 307). */
  permanent: boolean;
}

/** A URL that answered 4xx/5xx after retries, or could not be fetched. */
export interface BrokenLink {
  /** The URL as checked (normalized, fragment dropped); the raw value for a reference that is not a URL. */
  url: string;
  /** Status of the last answer; `null` when none came. */
  status: number | null;
  /**
   * `{ code, message }`: `http-404`, `timeout`, `dns`, `connect`, `tls`, `reset`, `redirect-loop`, `invalid-url`, ...;
   * `robots-unreachable` (the host's robots.txt could not be fetched, so nothing of it was requested) adds `cause`,
   * that failure's code (`dns`, `connect`, `timeout`, `http-503`, ...).
   */
  error: { code: string; message: string; cause?: string };
  /** Where it ended after redirects. */
  finalUrl: string;
  /** Redirects on the way (a chain that ends broken, a loop). */
  redirects: RedirectHop[];
  /** Every page that refers to it; empty for a start URL. */
  referrers: Referrer[];
}

/** A URL that answered 401, 403, 429 or 999 (or that robots.txt disallows): it may work for people. */
export interface UnverifiableLink {
  url: string;
  status: number | null;
  error: { code: string; message: string };
  referrers: Referrer[];
}

/** A link that redirects more than once, or from https to http. */
export interface RedirectIssue {
  url: string;
  finalUrl: string;
  /** Status of the final answer (or of the last redirect, when its target was not checked). */
  status: number | null;
  hops: RedirectHop[];
  /** Every hop is permanent: the link can simply be updated to `finalUrl`. */
  permanent: boolean;
  /** More than one hop. */
  chain: boolean;
  /** A hop goes from https to http. */
  downgrade: boolean;
  referrers: Referrer[];
}

/** What is wrong with a page title. */
export type TitleIssueKind = 'missing' | 'empty' | 'too-long' | 'too-short' | 'duplicate';

/** A title problem: one page, or for `duplicate`, every page sharing the title. */
export interface TitleIssue {
  issue: TitleIssueKind;
  /** The title (`null` when missing). */
  title: string | null;
  /** Its length in characters. */
  length: number;
  pages: string[];
}

/** What is wrong with a page's description, headings or canonical link. */
export type MetaIssueKind =
  | 'description-missing'
  | 'description-empty'
  | 'description-duplicate'
  | 'h1-missing'
  | 'h1-multiple'
  | 'canonical-elsewhere'
  | 'canonical-broken';

/** A description, h1 or canonical problem: one page, or for `description-duplicate`, every page sharing it. */
export interface MetaIssue {
  issue: MetaIssueKind;
  /** The description, the h1s joined with ` | `, or the canonical URL; `null` when missing. */
  value: string | null;
  pages: string[];
}

/** A `page#fragment` link whose target page has no such id or named anchor. */
export interface FragmentIssue {
  /** The link as written, resolved: URL and fragment. */
  url: string;
  /** The page the fragment was looked for in (after redirects). */
  page: string;
  fragment: string;
  referrers: Referrer[];
}

/** An http subresource on an https page. */
export interface MixedContentIssue {
  page: string;
  url: string;
  element: string;
  attribute: string;
}

/** A URL that answered a different kind of content than the link expected (a page that is not HTML, a soft 404). */
export interface ContentTypeIssue {
  url: string;
  expected: ExpectedContent;
  contentType: string;
  referrers: Referrer[];
}

/** A URL a sitemap lists that the crawl did not reach by links within the depth. */
export interface Orphan {
  url: string;
  /** The sitemap that lists it. */
  sitemap: string;
  status: number | null;
}

/** A sitemap entry that answers an error or redirects. */
export interface SitemapIssue {
  url: string;
  sitemap: string;
  issue: 'error' | 'redirect';
  status: number | null;
  error: { code: string; message: string } | null;
  finalUrl: string;
}

/** The figures at the top of the report. */
export interface AuditSummary {
  startUrls: string[];
  /** Pages the crawl fetched. */
  pagesCrawled: number;
  /** References found on pages (every occurrence). */
  linksFound: number;
  /** Distinct URLs with an answer (pages crawled and links checked). */
  urlsChecked: number;
  /** Distinct broken URLs. */
  broken: number;
  /** Broken URLs by error code (`http-404`, `timeout`, `connect`, ...). */
  brokenByKind: Record<string, number>;
  unverifiable: number;
  redirects: number;
  fragmentIssues: number;
  titleIssues: number;
  metaIssues: number;
  mixedContent: number;
  contentTypeIssues: number;
  sitemapUrls: number;
  sitemapIssues: number;
  orphans: number;
  /** URLs referenced but not checked: out of scope without `external`, excluded, or left when the run stopped. */
  notChecked: { external: number; excluded: number; unchecked: number };
  /** Why the crawl ended: `completed`, `max-pages` or `aborted` (then some lists are partial). */
  stopReason: string;
  elapsedMs: number;
  /** The most severe level with findings (`broken`, `redirects`, `titles`), or `null` when nothing was found. */
  worstLevel: Exclude<FailOn, 'none'> | null;
  failOn: FailOn;
  /** Something at or above `failOn` was found (the CLI exits 1). */
  failed: boolean;
}

/** Everything an audit found: `audit.json`. Lists are sorted, so two runs of one site compare line by line. */
export interface AuditReport {
  summary: AuditSummary;
  brokenLinks: BrokenLink[];
  redirects: RedirectIssue[];
  unverifiable: UnverifiableLink[];
  titleIssues: TitleIssue[];
  metaIssues: MetaIssue[];
  fragmentIssues: FragmentIssue[];
  orphans: Orphan[];
  mixedContent: MixedContentIssue[];
  contentTypeIssues: ContentTypeIssue[];
  sitemapIssues: SitemapIssue[];
  /** The sitemap files read. */
  sitemaps: SitemapFile[];
}
