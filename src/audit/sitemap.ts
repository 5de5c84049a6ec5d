import { gunzipSync } from 'node:zlib';

/** What a sitemap file holds: page URLs (`urlset`, or a text sitemap), or more sitemaps (`index`). */
export interface ParsedSitemap {
  kind: 'urlset' | 'index' | 'text';
  /** The `<loc>` of every `<url>` (or `<sitemap>` of an index), or every line of a text sitemap, as absolute URLs. */
  urls: string[];
}

/** The sitemaps protocol caps a file at 50 MB uncompressed (sitemaps.org, "Sitemap file location"). */
export const MAX_SITEMAP_BYTES = 50 * 1024 * 1024;

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXmlText(text: string): string {
  const cdata = /^<!\[CDATA\[([\s\S]*)\]\]>$/.exec(text);
  if (cdata) return cdata[1] ?? '';
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name] ?? whole;
  });
}

function absolute(text: string, base: string): string | undefined {
  try {
    const url = new URL(text.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Gunzips a body that starts with the gzip magic bytes (`.xml.gz` files are often served as `application/gzip`,
 * not `Content-Encoding: gzip`); other bodies come back as they are. Throws on a corrupt or oversized archive.
 */
export function gunzipIfNeeded(body: Buffer): Buffer {
  if (body.length < 2 || body[0] !== 0x1f || body[1] !== 0x8b) return body;
  return gunzipSync(body, { maxOutputLength: MAX_SITEMAP_BYTES });
}

/**
 * Parses a sitemap (sitemaps.org protocol): an XML `<urlset>` or `<sitemapindex>`, whose `<loc>` elements are read
 * (prefixed ones such as `<image:loc>` are extension data, not pages), or a text file of one URL per line. URLs are
 * resolved against `baseUrl` and non-http(s) ones dropped. Pure; never throws (unreadable text gives no URLs).
 */
export function parseSitemap(text: string, baseUrl: string): ParsedSitemap {
  const body = text.replace(/^\uFEFF/, '');
  if (/^\s*</.test(body)) {
    const root = /<(?:[\w.-]+:)?(urlset|sitemapindex)\b/.exec(body.replace(/<!--[\s\S]*?-->/g, ''));
    const kind = root?.[1] === 'sitemapindex' ? 'index' : 'urlset';
    const urls: string[] = [];
    for (const match of body.matchAll(/<loc>\s*([\s\S]*?)\s*<\/loc>/g)) {
      const url = absolute(decodeXmlText(match[1] ?? ''), baseUrl);
      if (url) urls.push(url);
    }
    return { kind, urls };
  }
  const urls = body
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => /^https?:\/\//i.test(line))
    .map((line) => absolute(line, baseUrl))
    .filter((url): url is string => url !== undefined);
  return { kind: 'text', urls };
}

/** The `Sitemap:` lines of a robots.txt (RFC 9309 2.2.4), resolved against its URL, in order. Pure. */
export function sitemapsFromRobots(robotsTxt: string, robotsUrl: string): string[] {
  const found: string[] = [];
  for (const match of robotsTxt.matchAll(/^[ \t]*sitemap[ \t]*:[ \t]*([^\s#]+)/gim)) {
    const url = absolute(match[1] ?? '', robotsUrl);
    if (url && !found.includes(url)) found.push(url);
  }
  return found;
}
