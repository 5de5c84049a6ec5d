import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

/** A route handler: answers (or deliberately doesn't answer) one request. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** One request as the server saw it. `path` is pathname + search exactly as sent; `at` is `performance.now()`. */
export interface SiteRequest { method: string; path: string; headers: IncomingHttpHeaders; at: number }

/** Options for {@link Site.page}. `head` is raw markup appended inside `<head>`; `body` is raw markup before the links. */
export interface PageOptions { title?: string; body?: string; head?: string; headers?: Record<string, string>; status?: number }

/**
 * A real HTTP test site on one loopback host. Registration methods return `this` and may be called at any time,
 * including while a crawl runs. Routes match `pathname + search` exactly, falling back to `pathname` alone.
 */
export interface Site {
  /** `http://HOST:PORT`. */ readonly origin: string;
  /** `HOST:PORT`, as it appears in a URL. */ readonly host: string;
  /** The loopback address listened on, e.g. `127.0.0.1`. */ readonly hostname: string;
  /** The ephemeral port. */ readonly port: number;
  /** Every request received, in arrival order. */ readonly requests: readonly SiteRequest[];
  /** Peak number of requests in flight at once (received, response not yet finished or closed). */
  readonly peakConcurrent: number;
  /** Peak number of open TCP connections at once. */ readonly peakConnections: number;
  /** Absolute URL on this site for `path` (default `/`). */ url(path?: string): string;
  /** How many requests (any method, HEAD included) asked for exactly `path` (pathname + search). */ hits(path: string): number;
  /** Resolves once `hits(path) >= count` (event-driven, not polling). Rejects if the site closes first. */
  waitForHit(path: string, count?: number): Promise<void>;
  /** HTML5 page linking to each of `links` (escaped) in order; title defaults to the path. */
  page(path: string, links: readonly string[], opts?: PageOptions): this;
  /** Raw HTML body, utf-8, `text/html; charset=utf-8` unless `headers` overrides it. */
  html(path: string, html: string, headers?: Record<string, string>, status?: number): this;
  /** Custom handler; an exception it throws becomes a 500 carrying the message. */ route(path: string, handler: Handler): this;
  /** Accepts the request and never answers; the socket stays open until {@link Site.close}. */ stall(path: string): this;
  /** Resets the connection (TCP RST) without sending a response. */ drop(path: string): this;
  /** Answers `code` with `body` (default: a tiny HTML page naming the code). */ status(path: string, code: number, body?: string): this;
  /** Answers `code` (default 301) with `Location: to`. */ redirect(path: string, to: string, code?: number): this;
  /** Answers `code` (default 503) with `Retry-After: seconds` for the first `times` hits, then 200 with `then.html`. */
  retryAfter(path: string, seconds: number | string, then: { html: string }, times?: number, opts?: { code?: 429 | 503 }): this;
  /** Answers 500 for the first `failures` hits, then 200 with `html`. */ flaky(path: string, failures: number, html: string): this;
  /**
   * A body of exactly `n` bytes streamed in 64 KiB chunks with backpressure (HTML-ish filler for text/html, `x` otherwise).
   * Sends `Content-Length` unless `opts.contentLength` is false (then chunked). Stops writing when the client goes away.
   */
  bytes(path: string, n: number, contentType?: string, opts?: { contentLength?: boolean }): this;
  /**
   * `html` encoded in `charset` (any single-byte or double-byte WHATWG encoding, plus utf-8/utf-16le/utf-16be);
   * unencodable characters become `&#N;`. `header` (default true) puts the charset in Content-Type, else plain
   * `text/html`. `bom` prepends the BOM (utf-8/utf-16 only). Throws RangeError for an unknown label.
   */
  encoded(path: string, charset: string, html: string, opts?: { header?: boolean; bom?: boolean }): this;
  /** `html` compressed with node:zlib and the matching Content-Encoding. */
  gzip(path: string, html: string, encoding: 'gzip' | 'deflate' | 'br'): this;
  /** Serves `/robots.txt`: a string is the text/plain body, a number is a bare status code. */ robots(textOrStatus: string | number): this;
  /** Answers 200 with `html` after `ms` milliseconds (a real timer, cleared if the client goes away). */
  delay(path: string, ms: number, html: string): this;
  /** Stops listening and destroys every socket (stalled ones included). Idempotent. */ close(): Promise<void>;
}

/** Starts a site on `host` (default `127.0.0.1`; other loopback addresses like `127.0.0.2` give separate hosts), port 0. */
/**
 * Writes `chunk` to `res` until `total` bytes are sent, waiting for 'drain' whenever the socket's buffer is full, and
 * stops when the client hangs up. Returns how many bytes it has handed to the socket so far, so a test can prove that
 * backpressure held the rest back.
 */
export function writeRepeatedly(res: ServerResponse, chunk: Buffer, total: number): () => number {
  let sent = 0;
  const pump = (): void => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
  return () => sent;
}

export async function startSite(options: { host?: string } = {}): Promise<Site> {
  const hostname = options.host ?? '127.0.0.1';
  const site = new LocalSite(createServer(), hostname);
  await site.listen();
  return site;
}

const HTML = 'text/html; charset=utf-8';
const CHUNK_BYTES = 64 * 1024;

class LocalSite implements Site {
  readonly requests: SiteRequest[] = [];
  peakConcurrent = 0;
  peakConnections = 0;
  port = 0;
  readonly #server: Server;
  readonly #routes = new Map<string, Handler>();
  readonly #hits = new Map<string, number>();
  readonly #sockets = new Set<Socket>();
  readonly #waiters = new Set<{ path: string; count: number; resolve: () => void; reject: (e: Error) => void }>();
  #inFlight = 0;
  #closing: Promise<void> | undefined;

  constructor(server: Server, readonly hostname: string) {
    this.#server = server;
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      this.peakConnections = Math.max(this.peakConnections, this.#sockets.size);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    server.on('request', (req, res) => this.#handle(req, res));
  }

  get host(): string { return `${this.hostname.includes(':') ? `[${this.hostname}]` : this.hostname}:${this.port}`; }
  get origin(): string { return `http://${this.host}`; }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, this.hostname, () => {
        this.#server.off('error', reject);
        this.port = (this.#server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  url(path = '/'): string { return this.origin + (path.startsWith('/') ? path : `/${path}`); }
  hits(path: string): number { return this.#hits.get(path) ?? 0; }

  waitForHit(path: string, count = 1): Promise<void> {
    if (this.hits(path) >= count) return Promise.resolve();
    if (this.#closing) return Promise.reject(new Error(`site closed before ${count} hit(s) on ${path}`));
    return new Promise((resolve, reject) => { this.#waiters.add({ path, count, resolve, reject }); });
  }

  route(path: string, handler: Handler): this { this.#routes.set(path, handler); return this; }

  page(path: string, links: readonly string[], opts: PageOptions = {}): this {
    const anchors = links.map((l) => `<a href="${escapeHtml(l)}">${escapeHtml(l)}</a>`).join('\n');
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(opts.title ?? path)}</title>` +
      `${opts.head ?? ''}</head><body>${opts.body ?? ''}${anchors}</body></html>`;
    return this.html(path, html, opts.headers, opts.status);
  }

  html(path: string, html: string, headers: Record<string, string> = {}, status = 200): this {
    const body = Buffer.from(html, 'utf8');
    return this.route(path, (_req, res) => send(res, status, { 'content-type': HTML, ...lower(headers) }, body));
  }

  stall(path: string): this { return this.route(path, () => undefined); }
  drop(path: string): this { return this.route(path, (req) => { req.socket.resetAndDestroy(); }); }

  status(path: string, code: number, body = `<!doctype html><title>${code}</title><h1>${code}</h1>`): this {
    return this.route(path, (_req, res) => send(res, code, { 'content-type': HTML }, Buffer.from(body)));
  }

  redirect(path: string, to: string, code = 301): this {
    return this.route(path, (_req, res) => send(res, code, { location: to, 'content-type': HTML }, Buffer.from('<!doctype html><title>moved</title>')));
  }

  retryAfter(path: string, seconds: number | string, then: { html: string }, times = 1, opts: { code?: 429 | 503 } = {}): this {
    let seen = 0;
    const body = Buffer.from(then.html);
    return this.route(path, (_req, res) => {
      if (seen++ < times) send(res, opts.code ?? 503, { 'retry-after': String(seconds), 'content-type': HTML }, Buffer.from('busy'));
      else send(res, 200, { 'content-type': HTML }, body);
    });
  }

  flaky(path: string, failures: number, html: string): this {
    let seen = 0;
    const body = Buffer.from(html);
    return this.route(path, (_req, res) => {
      if (seen++ < failures) send(res, 500, { 'content-type': HTML }, Buffer.from('<!doctype html><title>500</title>'));
      else send(res, 200, { 'content-type': HTML }, body);
    });
  }

  bytes(path: string, n: number, contentType = 'text/html', opts: { contentLength?: boolean } = {}): this {
    const chunk = fillerChunk(contentType);
    return this.route(path, (req, res) => {
      res.writeHead(200, { 'content-type': contentType, ...(opts.contentLength === false ? {} : { 'content-length': n }) });
      if (req.method === 'HEAD') { res.end(); return; }
      let sent = 0;
      const pump = (): void => {
        while (sent < n) {
          if (res.destroyed) return;
          const size = Math.min(CHUNK_BYTES, n - sent);
          sent += size;
          if (!res.write(size === CHUNK_BYTES ? chunk : chunk.subarray(0, size))) { res.once('drain', pump); return; }
        }
        res.end();
      };
      pump();
    });
  }

  encoded(path: string, charset: string, html: string, opts: { header?: boolean; bom?: boolean } = {}): this {
    const body = encodeText(html, charset, opts.bom ?? false);
    const type = opts.header === false ? 'text/html' : `text/html; charset=${charset}`;
    return this.route(path, (_req, res) => send(res, 200, { 'content-type': type }, body));
  }

  gzip(path: string, html: string, encoding: 'gzip' | 'deflate' | 'br'): this {
    const compress = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync }[encoding];
    const body = compress(Buffer.from(html));
    return this.route(path, (_req, res) => send(res, 200, { 'content-type': HTML, 'content-encoding': encoding }, body));
  }

  robots(textOrStatus: string | number): this {
    if (typeof textOrStatus === 'number') return this.route('/robots.txt', (_req, res) => send(res, textOrStatus, {}, Buffer.alloc(0)));
    const body = Buffer.from(textOrStatus);
    return this.route('/robots.txt', (_req, res) => send(res, 200, { 'content-type': 'text/plain; charset=utf-8' }, body));
  }

  delay(path: string, ms: number, html: string): this {
    const body = Buffer.from(html);
    return this.route(path, (_req, res) => {
      const timer = setTimeout(() => send(res, 200, { 'content-type': HTML }, body), ms);
      res.once('close', () => clearTimeout(timer));
    });
  }

  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      for (const w of this.#waiters) w.reject(new Error(`site closed before ${w.count} hit(s) on ${w.path}`));
      this.#waiters.clear();
      this.#server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
    });
    return this.#closing;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, at: performance.now() });
    this.#hits.set(path, this.hits(path) + 1);
    this.#inFlight++;
    this.peakConcurrent = Math.max(this.peakConcurrent, this.#inFlight);
    let done = false;
    const finish = (): void => { if (!done) { done = true; this.#inFlight--; } };
    res.once('finish', finish);
    res.once('close', finish);
    for (const w of this.#waiters) if (this.hits(w.path) >= w.count) { this.#waiters.delete(w); w.resolve(); }

    const handler = this.#routes.get(path) ?? this.#routes.get(path.split('?')[0] ?? path) ?? notFound;
    try {
      handler(req, res);
    } catch (error) {
      if (!res.headersSent) send(res, 500, { 'content-type': 'text/plain' }, Buffer.from(String(error)));
      else res.destroy();
    }
  }
}

const notFound: Handler = (_req, res) =>
  send(res, 404, { 'content-type': HTML }, Buffer.from('<!doctype html><title>Not found</title><h1>404 Not found</h1>'));

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer): void {
  if (res.destroyed) return;
  const hasBody = status !== 204 && status !== 304 && status >= 200;
  res.writeHead(status, hasBody && !('content-length' in headers) ? { ...headers, 'content-length': String(body.length) } : headers);
  res.end(hasBody ? body : undefined);
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

function fillerChunk(contentType: string): Buffer {
  if (!contentType.startsWith('text/html')) return Buffer.alloc(CHUNK_BYTES, 'x');
  return Buffer.alloc(CHUNK_BYTES, '<p>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</p>\n');
}

const encoderTables = new Map<string, Map<number, readonly number[]>>();

/** Encodes `text` in `charset`; non-Unicode encoders are built by inverting the WHATWG decoder (Node ships none). */
function encodeText(text: string, charset: string, bom: boolean): Buffer {
  const encoding = new TextDecoder(charset).encoding;
  if (encoding === 'utf-8') return Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text, 'utf8')]);
  if (encoding === 'utf-16le') return Buffer.concat([Buffer.from(bom ? [0xff, 0xfe] : []), Buffer.from(text, 'utf16le')]);
  if (encoding === 'utf-16be') return Buffer.concat([Buffer.from(bom ? [0xfe, 0xff] : []), Buffer.from(text, 'utf16le').swap16()]);
  if (bom) throw new Error(`encoded(): a BOM only exists for utf-8 and utf-16, not ${encoding}`);
  const table = encoderTable(encoding);
  const out: number[] = [];
  for (const char of text) {
    const cp = char.codePointAt(0) ?? 0;
    const bytes = table.get(cp);
    // Browsers submit unencodable characters as numeric character references; do the same.
    if (bytes) out.push(...bytes);
    else for (const c of `&#${cp};`) out.push(c.charCodeAt(0));
  }
  return Buffer.from(out);
}

function encoderTable(encoding: string): Map<number, readonly number[]> {
  const cached = encoderTables.get(encoding);
  if (cached) return cached;
  const decoder = new TextDecoder(encoding);
  const table = new Map<number, readonly number[]>();
  const add = (bytes: number[]): boolean => {
    const text = decoder.decode(new Uint8Array(bytes));
    const cp = text.codePointAt(0);
    if (cp === undefined || cp === 0xfffd || String.fromCodePoint(cp) !== text) return false;
    if (!table.has(cp)) table.set(cp, bytes);
    return true;
  };
  let isMultiByte = false;
  for (let b = 0; b < 0x100; b++) if (!add([b])) isMultiByte = true;
  // Shift_JIS, GBK, Big5 and EUC-KR leads and trails all fall in 0x81-0xFE / 0x40-0xFE.
  if (isMultiByte) for (let lead = 0x81; lead <= 0xfe; lead++) for (let trail = 0x40; trail <= 0xfe; trail++) add([lead, trail]);
  encoderTables.set(encoding, table);
  return table;
}

/** Runs `run` with a second site on another loopback address (127.0.0.2: another origin), closed afterwards. */
export async function withOtherHost<T>(run: (other: Site) => Promise<T>): Promise<T> {
  const other = await startSite({ host: '127.0.0.2' });
  try {
    return await run(other);
  } finally {
    await other.close();
  }
}
