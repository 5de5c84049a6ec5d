import { UsageError } from './args.js';

// A value after a bare `--sitemap` is taken as the sitemap only when it looks like one; otherwise it is a start URL.
const SITEMAP_PATH = /sitemap|\.xml(?:\.gz)?$|\.txt$/i;

function sitemapUrl(text: string): string {
  if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol)) throw new UsageError(`--sitemap expects an absolute http(s) URL, got ${JSON.stringify(text)}`);
  return new URL(text).href;
}

/**
 * Takes the `--sitemap` flags out of the arguments. `--sitemap` alone asks for the sitemaps robots.txt lists;
 * `--sitemap=URL`, or `--sitemap URL` when URL looks like a sitemap (`sitemap` in it, or ending in `.xml`, `.xml.gz`,
 * `.txt`), reads that one. Repeatable. Arguments after `--` are left alone. Pure.
 * @throws UsageError for a `--sitemap=` value that is not an http(s) URL.
 */
export function takeSitemapFlags(argv: readonly string[]): { rest: string[]; sitemap: boolean; sitemapUrls: string[] } {
  const rest: string[] = [];
  const sitemapUrls: string[] = [];
  let sitemap = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === '--') {
      rest.push(...argv.slice(index));
      break;
    }
    if (arg.startsWith('--sitemap=')) {
      sitemapUrls.push(sitemapUrl(arg.slice('--sitemap='.length)));
    } else if (arg === '--sitemap') {
      const next = argv[index + 1];
      if (next !== undefined && !next.startsWith('-') && URL.canParse(next) && SITEMAP_PATH.test(new URL(next).pathname)) {
        sitemapUrls.push(sitemapUrl(next));
        index++;
      } else sitemap = true;
    } else rest.push(arg);
  }
  return { rest, sitemap, sitemapUrls };
}

/**
 * The crawler's `sitemaps` option from the `--sitemap` flags of `crawl` and `images`: `undefined` without them,
 * `true` for a bare `--sitemap`, the URLs given otherwise (plus the start URLs' robots.txt, which stands for their
 * origins' sitemaps, when a bare `--sitemap` came too). Pure.
 */
export function sitemapsOption(flags: { sitemap: boolean; sitemapUrls: readonly string[] }, startUrls: readonly string[]): boolean | string[] | undefined {
  if (flags.sitemapUrls.length === 0) return flags.sitemap ? true : undefined;
  const discovered = flags.sitemap ? startUrls.map((url) => `${new URL(url).origin}/robots.txt`) : [];
  return [...new Set([...flags.sitemapUrls, ...discovered])];
}
