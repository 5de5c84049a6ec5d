import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** The sitemaps protocol caps a file at 50,000 URLs (sitemaps.org, "Sitemap file location"). */
export const MAX_SITEMAP_URLS = 50_000;
/** The sitemaps protocol caps a file at 50 MB (52,428,800 bytes) uncompressed. */
export const MAX_SITEMAP_BYTES = 50 * 1024 * 1024;

/** What a sitemap file holds: page URLs (`urlset`, or a text sitemap), or more sitemaps (`index`). */
export interface ParsedSitemap {
  kind: 'urlset' | 'index' | 'text';
  /** The `<loc>` of every `<url>` (or `<sitemap>` of an index), or every line of a text sitemap, as absolute URLs. */
  urls: string[];
  /** Set when the file went past a limit and was read only up to it: `max-urls` or `max-bytes`. */
  cut?: 'max-urls' | 'max-bytes';
}

/** Limits of one file (the protocol's by default), and whether the body given was cut short. */
export interface SitemapParseOptions {
  /** @default {@link MAX_SITEMAP_URLS} */
  maxUrls?: number;
  /** Uncompressed bytes read at most. @default {@link MAX_SITEMAP_BYTES} */
  maxBytes?: number;
  /** The body was cut at the download's size cap: its end is not checked for well-formedness (`cut: 'max-bytes'`). */
  truncated?: boolean;
}

/** A sitemap that is not well-formed XML (or a corrupt gzip archive): the file is skipped. */
export class SitemapSyntaxError extends Error {
  override name = 'SitemapSyntaxError';
}

type SaxesModule = typeof import('saxes');
let saxes: Promise<SaxesModule> | undefined;
// saxes is only needed by runs that read sitemaps: loaded on first use, never on the plain crawl path.
const loadSaxes = () => (saxes ??= import('saxes'));

function absolute(text: string, base: string): string | undefined {
  try {
    const url = new URL(text.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

// Plain bodies are parsed a slice at a time, so a 50 MB file never becomes one 50 MB string.
const CHUNK_BYTES = 1024 * 1024;
const isGzip = (body: Uint8Array) => body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;

/**
 * The chunks of a body, gunzipped when it starts with the gzip magic bytes (`.xml.gz` files are often served as
 * `application/gzip`, not with `Content-Encoding: gzip`), as they come: never the whole file in memory at once.
 */
async function* chunksOf(body: Buffer): AsyncGenerator<Buffer> {
  if (!isGzip(body)) {
    for (let offset = 0; offset < body.byteLength; offset += CHUNK_BYTES) yield body.subarray(offset, offset + CHUNK_BYTES);
    return;
  }
  const gunzip = Readable.from([body], { objectMode: false }).pipe(createGunzip());
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk;
  } catch (error) {
    throw new SitemapSyntaxError(`Cannot decompress: ${(error as Error).message}`);
  } finally {
    gunzip.destroy();
  }
}

/** Local name of a possibly prefixed XML name: `image:loc` -> `[image, loc]`. */
function splitName(name: string): [prefix: string, local: string] {
  const colon = name.indexOf(':');
  return colon < 0 ? ['', name] : [name.slice(0, colon), name.slice(colon + 1)];
}

/** Collects `<loc>` values of `<urlset><url>` or `<sitemapindex><sitemap>`, from SAX events. */
class LocCollector {
  kind: 'urlset' | 'index' | undefined;
  readonly urls: string[] = [];
  #prefix = '';
  #depth = 0;
  /** Whether the open elements are exactly root > entry > loc, all in the root's prefix. */
  #inLoc = false;
  #entryOpen = false;
  #text = '';

  constructor(readonly baseUrl: string) {}

  open(name: string): void {
    const [prefix, local] = splitName(name);
    this.#depth++;
    if (this.#depth === 1) {
      // Anything else at the root (an HTML error page served as the sitemap) lists no URL.
      if (local === 'urlset') this.kind = 'urlset';
      else if (local === 'sitemapindex') this.kind = 'index';
      this.#prefix = prefix;
      return;
    }
    // Prefixed elements of other namespaces (`<image:loc>`, `<xhtml:link>`) are extension data, not pages.
    if (this.kind === undefined || prefix !== this.#prefix) return;
    const entry = this.kind === 'urlset' ? 'url' : 'sitemap';
    if (this.#depth === 2 && local === entry) this.#entryOpen = true;
    else if (this.#depth === 3 && this.#entryOpen && local === 'loc') {
      this.#inLoc = true;
      this.#text = '';
    }
  }

  text(text: string): void {
    if (this.#inLoc) this.#text += text;
  }

  /** Closes an element; returns a URL when a `<loc>` ended. */
  close(): string | undefined {
    let url: string | undefined;
    if (this.#depth === 3 && this.#inLoc) {
      this.#inLoc = false;
      url = absolute(this.#text, this.baseUrl);
    } else if (this.#depth === 2) this.#entryOpen = false;
    this.#depth--;
    return url;
  }
}

/**
 * Parses a sitemap (sitemaps.org protocol) with a streaming XML parser (saxes): an XML `<urlset>` or
 * `<sitemapindex>` (namespace prefixes and extension elements such as `<image:loc>` handled), or a text file of one
 * URL per line; gzipped files are unpacked as they are read. URLs are resolved against `baseUrl` and non-http(s)
 * ones dropped. Reading stops at {@link MAX_SITEMAP_URLS} URLs or {@link MAX_SITEMAP_BYTES} uncompressed bytes, the
 * protocol's limits (`cut` says which; the URLs before it are kept).
 * @throws SitemapSyntaxError when the XML is not well-formed or the archive is corrupt (its URLs are not used).
 */
export async function parseSitemap(body: Buffer | string, baseUrl: string, limits: SitemapParseOptions = {}): Promise<ParsedSitemap> {
  const maxUrls = limits.maxUrls ?? MAX_SITEMAP_URLS;
  const maxBytes = limits.maxBytes ?? MAX_SITEMAP_BYTES;
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const decoder = new TextDecoder('utf-8');
  let mode: 'xml' | 'text' | undefined;
  let collector: LocCollector | undefined;
  let parser: InstanceType<SaxesModule['SaxesParser']> | undefined;
  let syntaxError: Error | undefined;
  let textRest = '';
  const textUrls: string[] = [];
  let read = 0;
  let cut: ParsedSitemap['cut'];
  const urls = () => (mode === 'text' ? textUrls : (collector?.urls ?? []));
  const takeLine = (line: string) => {
    const trimmed = line.trim();
    // Text sitemaps hold absolute URLs only; anything else on a line is not one.
    const url = /^https?:\/\//i.test(trimmed) ? absolute(trimmed, baseUrl) : undefined;
    if (url) textUrls.push(url);
  };

  for await (let chunk of chunksOf(bytes)) {
    if (read + chunk.byteLength > maxBytes) {
      chunk = chunk.subarray(0, maxBytes - read);
      cut = 'max-bytes';
    }
    read += chunk.byteLength;
    let text = decoder.decode(chunk, { stream: cut === undefined });
    if (mode === undefined) {
      // Generated sitemaps often start with blank lines before `<?xml`, which XML forbids; they are dropped.
      text = text.replace(/^\uFEFF/, '').trimStart();
      const first = text[0];
      if (first === undefined) continue;
      mode = first === '<' ? 'xml' : 'text';
      if (mode === 'xml') {
        const { SaxesParser } = await loadSaxes();
        const sax = new SaxesParser({ position: false });
        const locs = new LocCollector(baseUrl);
        sax.on('opentag', (tag) => locs.open(tag.name));
        sax.on('text', (value) => locs.text(value));
        sax.on('cdata', (value) => locs.text(value));
        sax.on('closetag', () => {
          const url = locs.close();
          if (url !== undefined && locs.urls.length < maxUrls) locs.urls.push(url);
          else if (url !== undefined) cut ??= 'max-urls';
        });
        sax.on('error', (error) => (syntaxError ??= error));
        parser = sax;
        collector = locs;
      }
    }
    if (mode === 'xml') parser?.write(text);
    else {
      const lines = (textRest + text).split('\n');
      textRest = cut === undefined ? (lines.pop() ?? '') : '';
      for (const line of lines) {
        if (textUrls.length >= maxUrls) {
          cut ??= 'max-urls';
          break;
        }
        takeLine(line);
      }
    }
    if (syntaxError) throw new SitemapSyntaxError(`Not well-formed XML: ${syntaxError.message}`);
    if (cut !== undefined) break;
  }
  if (cut === undefined && limits.truncated) cut = 'max-bytes';
  if (cut === undefined) {
    if (mode === 'xml') {
      parser?.write(decoder.decode()).close();
      if (syntaxError) throw new SitemapSyntaxError(`Not well-formed XML: ${syntaxError.message}`);
    } else if (mode === 'text') {
      textRest += decoder.decode();
      if (textRest !== '' && textUrls.length < maxUrls) takeLine(textRest);
      else if (textRest.trim() !== '') cut = 'max-urls';
    }
  }
  const parsed: ParsedSitemap = { kind: mode === 'text' ? 'text' : collector?.kind === 'index' ? 'index' : 'urlset', urls: urls() };
  if (cut !== undefined) parsed.cut = cut;
  return parsed;
}
