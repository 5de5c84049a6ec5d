import { compareText } from './compare-text.js';
import type { MetaIssue, MetaIssueKind, TitleIssue, TitleIssueKind } from './report-types.js';

/** What the title and meta rules read of one HTML page. */
export interface PageFacts {
  /** The page's final URL (normalized). */
  url: string;
  title: string | null;
  /** `<meta name=description>` content; `null` when there is none. */
  description: string | null;
  h1: readonly string[];
  /** The canonical link, absolute; `null` when there is none. */
  canonical: string | null;
  /** The page asks not to be indexed. */
  noindex: boolean;
}

/** Title length limits, in characters. */
export interface TitleLimits {
  titleMax: number;
  /** 0 turns the check off. */
  titleMin: number;
}

/** What the canonical rules need to know about other URLs. */
export interface CanonicalContext {
  normalize: (url: string) => string | null;
  /** Whether a URL is known to be broken. */
  isBroken: (url: string) => boolean;
}

const TITLE_ORDER: readonly TitleIssueKind[] = ['missing', 'empty', 'too-long', 'too-short', 'duplicate'];
const META_ORDER: readonly MetaIssueKind[] = [
  'canonical-broken',
  'canonical-elsewhere',
  'description-missing',
  'description-empty',
  'description-duplicate',
  'h1-missing',
  'h1-multiple',
];

/** Length in characters as people count them (code points, not UTF-16 units). */
export function characterCount(text: string): number {
  return [...text].length;
}

function pointsElsewhere(page: PageFacts, context: Pick<CanonicalContext, 'normalize'>): boolean {
  if (page.canonical === null) return false;
  const canonical = context.normalize(page.canonical);
  return canonical !== null && canonical !== page.url;
}

/**
 * Groups pages by a text they must not share (title, description). Only pages that compete in search count: those
 * without `noindex` and whose canonical link (if any) is the page itself. Groups of two or more, pages sorted.
 */
function duplicates(pages: readonly PageFacts[], textOf: (page: PageFacts) => string | null, context: Pick<CanonicalContext, 'normalize'>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const page of pages) {
    const text = textOf(page);
    if (!text || page.noindex || pointsElsewhere(page, context)) continue;
    const group = groups.get(text);
    if (group) group.push(page.url);
    else groups.set(text, [page.url]);
  }
  for (const [text, group] of groups) {
    if (group.length < 2) groups.delete(text);
    else group.sort();
  }
  return groups;
}

function sortIssues<T extends { issue: string; pages: string[] }>(issues: T[], order: readonly string[]): T[] {
  return issues.sort((a, b) => order.indexOf(a.issue) - order.indexOf(b.issue) || compareText(a.pages[0] ?? '', b.pages[0] ?? ''));
}

/**
 * Title problems of HTML pages: no `<title>`, an empty one, one longer than `titleMax` or shorter than `titleMin`
 * characters, and titles shared by several pages (one issue per group). Sorted by kind, then page. Pure.
 */
export function titleIssues(pages: readonly PageFacts[], limits: TitleLimits, context: Pick<CanonicalContext, 'normalize'>): TitleIssue[] {
  const issues: TitleIssue[] = [];
  for (const page of pages) {
    const title = page.title;
    const length = title === null ? 0 : characterCount(title);
    const single = (issue: TitleIssueKind) => issues.push({ issue, title, length, pages: [page.url] });
    if (title === null) single('missing');
    else if (title === '') single('empty');
    else if (length > limits.titleMax) single('too-long');
    else if (length < limits.titleMin) single('too-short');
  }
  for (const [title, group] of duplicates(pages, (page) => page.title, context))
    issues.push({ issue: 'duplicate', title, length: characterCount(title), pages: group });
  return sortIssues(issues, TITLE_ORDER);
}

/**
 * Description, heading and canonical problems of HTML pages: no meta description or an empty one, descriptions
 * shared by several pages (grouped), no `<h1>` or more than one, a canonical link to another URL, or to a broken
 * one. Sorted by kind (broken canonicals first), then page. Pure.
 */
export function metaIssues(pages: readonly PageFacts[], context: CanonicalContext): MetaIssue[] {
  const issues: MetaIssue[] = [];
  for (const page of pages) {
    const single = (issue: MetaIssueKind, value: string | null) => issues.push({ issue, value, pages: [page.url] });
    if (page.description === null) single('description-missing', null);
    else if (page.description.trim() === '') single('description-empty', '');
    if (page.h1.length === 0) single('h1-missing', null);
    else if (page.h1.length > 1) single('h1-multiple', page.h1.join(' | '));
    if (page.canonical !== null) {
      const canonical = context.normalize(page.canonical);
      if (canonical !== null && context.isBroken(canonical)) single('canonical-broken', page.canonical);
      else if (pointsElsewhere(page, context)) single('canonical-elsewhere', page.canonical);
    }
  }
  for (const [description, group] of duplicates(pages, (page) => page.description?.trim() || null, context))
    issues.push({ issue: 'description-duplicate', value: description, pages: group });
  return sortIssues(issues, META_ORDER);
}
