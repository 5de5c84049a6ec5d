import type { Site } from './site.js';

/**
 * Serves a three-level tree like `treeSite` (`/`, `/aI`, `/aI/bJ`, `/aI/bJ/cK`, every page linking back to `/`),
 * each page answered after `ms` so several workers overlap. Returns the number of pages.
 */
export function slowTree(site: Site, fanout: number, leaves: number, ms: number): number {
  const page = (path: string, links: string[]) =>
    site.delay(path, ms, `<!doctype html><title>${path}</title>${links.map((link) => `<a href="${link}">${link}</a>`).join('')}`);
  const range = (count: number) => Array.from({ length: count }, (_, index) => index);
  page('/', range(fanout).map((i) => `/a${i}`));
  let pages = 1;
  for (const i of range(fanout)) {
    page(`/a${i}`, [...range(fanout).map((j) => `/a${i}/b${j}`), '/']);
    pages++;
    for (const j of range(fanout)) {
      page(`/a${i}/b${j}`, [...range(leaves).map((k) => `/a${i}/b${j}/c${k}`), '/', `/a${i}`]);
      pages++;
      for (const k of range(leaves)) {
        page(`/a${i}/b${j}/c${k}`, ['/', `/a${i}/b${j}/c0`]);
        pages++;
      }
    }
  }
  return pages;
}

/** URL and depth of each line of a pages.jsonl text, sorted by URL. */
export function urlDepths(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { url: string; depth: number })
    .map(({ url, depth }) => `${depth} ${url}`)
    .sort();
}

/** Requests per path the site received (robots.txt included). */
export function hitsByPath(site: Site): Map<string, number> {
  const hits = new Map<string, number>();
  for (const request of site.requests) hits.set(request.path, (hits.get(request.path) ?? 0) + 1);
  return hits;
}

/**
 * Serves each of `pages` (path -> HTML) only once `opening` of their requests are waiting at the same time; later
 * requests are answered at once. With every worker limited to `-c C`, an `opening` of C + 1 proves that more than one
 * worker took some of these pages, without depending on when each process started.
 */
export function gatedPages(site: Site, pages: ReadonlyMap<string, string>, opening: number): void {
  const waiting: (() => void)[] = [];
  let open = false;
  for (const [path, html] of pages) {
    site.route(path, (_req, res) => {
      const answer = () => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      if (open) return answer();
      waiting.push(answer);
      if (waiting.length < opening) return;
      open = true;
      for (const release of waiting.splice(0)) release();
    });
  }
}
