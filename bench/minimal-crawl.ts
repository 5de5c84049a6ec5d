/**
 * A deliberately minimal same-origin crawler: undici requests, `parse5.parse`, an `<a href>` walk and a seen-set,
 * breadth-first by levels like sitecrawl, with plain worker-loop concurrency. It is the harness's reference engine
 * (`crawl-once.ts --engine minimal`): what "fetch + parse + follow links" costs without any of sitecrawl's features.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { parse, type DefaultTreeAdapterTypes } from 'parse5';
import { Agent, request } from 'undici';

/** Options of {@link minimalCrawl}. */
export interface MinimalCrawlOptions {
  /** Where the crawl starts; only URLs of the same origin are followed. */
  startUrl: string;
  /** Requests in flight at once (also the connection pool size). */
  concurrency: number;
  /** When set, one JSON line per page is written to `<outDir>/pages.jsonl`. */
  outDir?: string | undefined;
}

/** What {@link minimalCrawl} resolves to. */
export interface MinimalCrawlSummary {
  /** Pages fetched with a 2xx HTML response. */
  pages: number;
  /** Requests that failed (network error or non-2xx status). */
  failed: number;
  elapsedMs: number;
}

type ParentNode = DefaultTreeAdapterTypes.ParentNode;
type ChildNode = DefaultTreeAdapterTypes.ChildNode;

/**
 * Crawls every page reachable from `startUrl` on its origin: fetches `/robots.txt` once (for request parity with
 * sitecrawl; it is not interpreted), then level by level fetches, parses and follows links. Never throws for a failed
 * page; rejects only if the output file cannot be written.
 */
export async function minimalCrawl(options: MinimalCrawlOptions): Promise<MinimalCrawlSummary> {
  const started = performance.now();
  const start = new URL(options.startUrl);
  start.hash = '';
  const agent = new Agent({ connections: options.concurrency, keepAliveTimeout: 30_000 });
  const out = options.outDir === undefined ? undefined : createWriteStream(path.join(options.outDir, 'pages.jsonl'));
  const seen = new Set<string>([start.href]);
  let pages = 0;
  let failed = 0;

  const fetchText = async (url: string): Promise<{ status: number; type: string; text: string }> => {
    const response = await request(url, { dispatcher: agent, headers: { 'user-agent': 'sitecrawl-bench-minimal' } });
    const type = String(response.headers['content-type'] ?? '');
    if (response.statusCode < 200 || response.statusCode > 299 || !type.startsWith('text/html')) {
      await response.body.dump();
      return { status: response.statusCode, type, text: '' };
    }
    return { status: response.statusCode, type, text: await response.body.text() };
  };

  const visit = async (url: string, depth: number, next: string[]): Promise<void> => {
    let result;
    try {
      result = await fetchText(url);
    } catch {
      failed++;
      return;
    }
    if (result.text === '') {
      if (result.status > 299) failed++;
      return;
    }
    pages++;
    const { hrefs, title } = walk(parse(result.text));
    for (const href of hrefs) {
      const link = resolve(href, url);
      if (link === undefined || link.origin !== start.origin || seen.has(link.href)) continue;
      seen.add(link.href);
      next.push(link.href);
    }
    if (out && !out.write(`${JSON.stringify({ url, depth, status: result.status, title, links: hrefs.length })}\n`)) {
      await once(out, 'drain');
    }
  };

  await fetchText(new URL('/robots.txt', start).href).catch(() => undefined);
  let level = [start.href];
  for (let depth = 0; level.length > 0; depth++) {
    const next: string[] = [];
    let cursor = 0;
    const worker = async (): Promise<void> => {
      while (cursor < level.length) await visit(level[cursor++] as string, depth, next);
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, level.length) }, worker));
    level = next;
  }
  await closeStream(out);
  await agent.close();
  return { pages, failed, elapsedMs: performance.now() - started };
}

/** Hrefs of every `<a>` (document order) and the `<title>` text. */
function walk(document: ParentNode): { hrefs: string[]; title: string } {
  const hrefs: string[] = [];
  let title = '';
  const stack: ChildNode[] = [...document.childNodes].reverse();
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (!('tagName' in node)) continue;
    if (node.tagName === 'a') {
      const href = node.attrs.find((attr) => attr.name === 'href');
      if (href) hrefs.push(href.value);
    } else if (node.tagName === 'title' && title === '') {
      title = node.childNodes.map((child) => ('value' in child && child.nodeName === '#text' ? child.value : '')).join('').trim();
    }
    for (let n = node.childNodes.length - 1; n >= 0; n--) stack.push(node.childNodes[n] as ChildNode);
  }
  return { hrefs, title };
}

/** Absolute http(s) URL without fragment, or `undefined` for unparsable hrefs and other schemes (mailto:, ...). */
function resolve(href: string, base: string): URL | undefined {
  if (!URL.canParse(href, base)) return undefined;
  const url = new URL(href, base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  return url;
}

async function closeStream(stream: WriteStream | undefined): Promise<void> {
  if (!stream) return;
  stream.end();
  await once(stream, 'finish');
}
