/**
 * The per-link path of a crawl, stage by stage, on one thread, on a directory of HTML pages (issue 15's profiles):
 *
 *   node --import tsx bench/link-path.ts [--dir /usr/share/doc/python3.11/html] [--runs 7]
 *
 * Stages (median CPU ms over all pages): resolving every href (`new URL` per link vs the per-page ReferenceResolver),
 * the LinkExtractor on pages whose elements are already found, folding the links for the main thread
 * (compactLinksOf), cloning the reply (v8 serialize + deserialize, as postMessage does), and admission's filterLinks.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { compactLinksOf, linksOf } from '../src/crawler/compact-links.js';
import { filterLinks } from '../src/crawler/link-filter.js';
import type { LinkRules } from '../src/crawler/link-filter.js';
import { createUrlNormalizer } from '../src/crawler/normalize.js';
import { createScope } from '../src/crawler/scope.js';
import type { FoundLink } from '../src/extractors/extractor.js';
import { LinkExtractor } from '../src/extractors/links.js';
import { Page } from '../src/extractors/page.js';
import { ReferenceResolver, resolveReference } from '../src/extractors/reference-resolver.js';

const { values } = parseArgs({ options: { dir: { type: 'string', default: '/usr/share/doc/python3.11/html' }, runs: { type: 'string', default: '7' } } });
const dir = values.dir as string;
const runs = Number(values.runs);
const ORIGIN = 'http://127.0.0.1:1/';

function htmlFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.html')).sort();
}

const files = htmlFiles(dir);
const bodies = files.map((file) => readFileSync(path.join(dir, file)));
const TAGS = new Set(['a', 'area', 'link', 'meta', 'base', 'title']);
function pageOf(index: number): Page {
  const url = ORIGIN + (files[index] as string);
  const body = bodies[index] as Buffer;
  const page = new Page({ url, finalUrl: url, depth: 1, parent: null, status: 200, headers: {}, contentType: 'text/html', body, text: body.toString('utf8'), truncated: false });
  page.useStreamedElements(TAGS);
  return page;
}

function cpuMs(work: () => void): number {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = process.cpuUsage();
    work();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}

// Elements found once, untimed: the stages below are the per-link work only.
const pages = files.map((_, index) => pageOf(index));
const hrefsOf = pages.map((page) => page.elements('a', 'area', 'link', 'meta', 'base', 'title') && page.elements('a').map((a) => page.attr(a, 'href')).filter((href): href is string => href !== undefined));
const extractor = new LinkExtractor();
// The extractor's stage on pages not seen before (each page remembers its resolved references).
const freshPages = Array.from({ length: runs }, () => files.map((_, index) => { const page = pageOf(index); page.elements('a', 'area', 'link', 'meta', 'base', 'title'); return page; }));
const linksPerPage = pages.map((page) => extractor.extract(page).links as FoundLink[]);
const totalLinks = linksPerPage.reduce((sum, links) => sum + links.length, 0);
const compact = linksPerPage.map(compactLinksOf);
const compactCount = compact.reduce((sum, links) => sum + links.urls.length, 0);
const rules = (): LinkRules => ({ normalize: createUrlNormalizer(), inScope: createScope([ORIGIN], 'host'), maxUrlLength: 2048, maxRepeatedSegments: 3, followNofollow: false });

const figures = {
  pages: pages.length,
  links: totalLinks,
  compactLinks: compactCount,
  resolveNewUrlMs: cpuMs(() => pages.forEach((page, index) => hrefsOf[index]?.forEach((href) => resolveReference(href, page.baseUrl)))),
  resolveCachedMs: cpuMs(() => pages.forEach((page, index) => { const resolver = new ReferenceResolver(page.baseUrl); hrefsOf[index]?.forEach((href) => resolver.resolve(href)); })),
  linkExtractorMs: cpuMs(() => (freshPages.pop() as Page[]).forEach((page) => extractor.extract(page))),
  compactLinksOfMs: cpuMs(() => linksPerPage.forEach((links) => compactLinksOf(links))),
  cloneFullMs: cpuMs(() => linksPerPage.forEach((links) => deserialize(serialize({ links })))),
  // The compact form before folding: every URL, fragment and all.
  cloneUrlsMs: cpuMs(() => linksPerPage.forEach((links) => deserialize(serialize({ urls: links.map((link) => link.url), nofollow: [] })))),
  cloneCompactMs: cpuMs(() => compact.forEach((links) => deserialize(serialize(links)))),
  filterFullMs: cpuMs(() => { const shared = rules(); linksPerPage.forEach((links) => filterLinks(links, shared, true)); }),
  filterCompactMs: cpuMs(() => { const shared = rules(); compact.forEach((links) => filterLinks(linksOf(links), shared, true)); }),
};
console.log(JSON.stringify(figures));
