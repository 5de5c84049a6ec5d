import { hasAnchor } from '../extractors/anchors.js';
import { compareText } from './compare-text.js';
import type { ResolvedOutcome } from './outcome-resolver.js';
import { contradictsExpectation, isPermanentRedirect, linkVerdict, redirectShape } from './outcome-rules.js';
import type { IndexedTarget, ReferenceIndex } from './reference-index.js';
import type {
  BrokenLink,
  ContentTypeIssue,
  FragmentIssue,
  Orphan,
  RedirectHop,
  RedirectIssue,
  Referrer,
  SitemapIssue,
  UnverifiableLink,
} from './report-types.js';

/** What judging every referenced URL found. */
export interface LinkFindings {
  brokenLinks: BrokenLink[];
  unverifiable: UnverifiableLink[];
  redirects: RedirectIssue[];
  fragmentIssues: FragmentIssue[];
  contentTypeIssues: ContentTypeIssue[];
  orphans: Orphan[];
  sitemapIssues: SitemapIssue[];
  /** Normalized URLs judged broken. */
  brokenUrls: Set<string>;
  /** Distinct URLs with an answer. */
  urlsChecked: number;
  notChecked: { external: number; excluded: number; unchecked: number };
}

/** How to judge. */
export interface JudgeOptions {
  strict: boolean;
  checkFragments: boolean;
  resolve: (url: string) => ResolvedOutcome | undefined;
  /** Whether the crawl fetched the URL as a page (reached by links within the depth, or a start URL). */
  isCrawled: (url: string) => boolean;
}

const byUrl = (a: { url: string }, b: { url: string }) => compareText(a.url, b.url);

/** Referrers in a stable order: page, element, attribute, text. */
export function sortReferrers(referrers: readonly Referrer[]): Referrer[] {
  const key = (referrer: Referrer) => [referrer.page, referrer.element, referrer.attribute, referrer.text];
  return [...referrers].sort((a, b) => {
    const [left, right] = [key(a), key(b)];
    for (let index = 0; index < left.length; index++) {
      const order = compareText(left[index] as string, right[index] as string);
      if (order !== 0) return order;
    }
    return 0;
  });
}

function hopsOf(outcome: ResolvedOutcome): RedirectHop[] {
  return outcome.redirects.map((hop) => ({ url: hop.url, status: hop.status, permanent: isPermanentRedirect(hop.status) }));
}

function errorOf(outcome: ResolvedOutcome): { code: string; message: string } {
  return outcome.error ?? { code: `http-${outcome.status}`, message: `HTTP ${outcome.status}` };
}

function judgeHealthy(target: IndexedTarget, outcome: ResolvedOutcome, options: JudgeOptions, findings: LinkFindings): void {
  const hops = hopsOf(outcome);
  if (hops.length > 0) {
    const shape = redirectShape(outcome.redirects, outcome.finalUrl);
    if (shape.chain || shape.downgrade)
      findings.redirects.push({ url: target.url, finalUrl: outcome.finalUrl, status: outcome.status, hops, ...shape, referrers: sortReferrers(target.referrers) });
  }
  if (outcome.unresolved) return;
  if (options.checkFragments && outcome.anchors) {
    for (const [fragment, referrers] of target.fragments)
      if (!hasAnchor(outcome.anchors, fragment))
        findings.fragmentIssues.push({ url: `${target.url}#${fragment}`, page: outcome.finalUrl, fragment, referrers: sortReferrers(referrers) });
  }
  if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300 && outcome.contentType) {
    for (const [expected, referrers] of target.expectations)
      if (contradictsExpectation(expected, outcome.contentType))
        findings.contentTypeIssues.push({ url: target.url, expected, contentType: outcome.contentType, referrers: sortReferrers(referrers) });
  }
}

function judgeSitemapEntry(target: IndexedTarget, outcome: ResolvedOutcome, isBroken: boolean, options: JudgeOptions, findings: LinkFindings): void {
  const sitemap = target.sitemap as string;
  if (isBroken || outcome.redirects.length > 0)
    findings.sitemapIssues.push({ url: target.url, sitemap, issue: isBroken ? 'error' : 'redirect', status: outcome.status, error: outcome.error, finalUrl: outcome.finalUrl });
  // Reached means crawled, itself or as the target of its redirect.
  const reached = options.isCrawled(target.url) || options.isCrawled(outcome.finalUrl);
  if (target.zone === 'internal' && !isBroken && !reached) findings.orphans.push({ url: target.url, sitemap, status: outcome.status });
}

/**
 * Judges every referenced URL once, from its resolved outcome: broken (with every referrer), unverifiable, redirect
 * chains and downgrades, missing fragments, content that contradicts the reference, and, for sitemap entries,
 * errors, redirects and orphans. References that are not URLs are broken (`invalid-url`). Every list is sorted:
 * broken links by number of referrers (most first), the others by URL. Pure.
 */
export function judgeLinks(index: ReferenceIndex, options: JudgeOptions): LinkFindings {
  const findings: LinkFindings = {
    brokenLinks: [],
    unverifiable: [],
    redirects: [],
    fragmentIssues: [],
    contentTypeIssues: [],
    orphans: [],
    sitemapIssues: [],
    brokenUrls: new Set(),
    urlsChecked: 0,
    notChecked: { external: 0, excluded: 0, unchecked: 0 },
  };
  for (const target of index.targets.values()) {
    const outcome = options.resolve(target.url);
    if (!outcome) {
      findings.notChecked[target.zone === 'internal' ? 'unchecked' : target.zone]++;
      continue;
    }
    const verdict = linkVerdict(outcome, options.strict);
    if (verdict === 'unchecked') {
      findings.notChecked.unchecked++;
      continue;
    }
    findings.urlsChecked++;
    const referrers = sortReferrers(target.referrers);
    if (verdict === 'broken') {
      findings.brokenUrls.add(target.url);
      findings.brokenLinks.push({ url: target.url, status: outcome.status, error: errorOf(outcome), finalUrl: outcome.finalUrl, redirects: hopsOf(outcome), referrers });
    } else if (verdict === 'unverifiable') {
      findings.unverifiable.push({ url: target.url, status: outcome.status, error: errorOf(outcome), referrers });
    } else {
      judgeHealthy(target, outcome, options, findings);
    }
    if (target.sitemap !== undefined) judgeSitemapEntry(target, outcome, verdict === 'broken', options, findings);
  }
  for (const [value, referrers] of index.invalid)
    findings.brokenLinks.push({ url: value, status: null, error: { code: 'invalid-url', message: 'Not a valid URL' }, finalUrl: value, redirects: [], referrers: sortReferrers(referrers) });
  findings.brokenLinks.sort((a, b) => b.referrers.length - a.referrers.length || byUrl(a, b));
  for (const list of [findings.unverifiable, findings.redirects, findings.fragmentIssues, findings.contentTypeIssues, findings.orphans, findings.sitemapIssues]) list.sort(byUrl);
  return findings;
}
