/**
 * Benchmark site server, run as its own process so its CPU and memory stay out of the crawler's figures:
 *
 *   node --import tsx bench/site-server.ts --pages 20000 --seed 1 [--lazy [--cache-pages 2000]]
 *   node --import tsx bench/site-server.ts --dir /usr/share/doc/postgresql-doc-15/html
 *
 * Listens on 127.0.0.1, port 0 (keep-alive), and prints one line `{"port":N}` on stdout once it can serve. By default
 * every generated page is rendered into a Buffer before that line, so the server spends no CPU generating HTML during a
 * crawl; `--lazy` renders on demand through an LRU instead. `GET /__bench/stats` returns request counters since start
 * or the last `GET /__bench/stats?reset` (it is not linked from any page and is not counted).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateSite, type GeneratedSite } from './site-generator.js';

/** Counters served at `/__bench/stats`. */
export interface ServerStats {
  requests: number;
  bytes: number;
  connections: number;
  /** CPU (user + system) this server process used, in ms. */
  cpuMs: number;
  byStatus: Record<string, number>;
}

const HOST = '127.0.0.1';
const ROBOTS = 'User-agent: *\nAllow: /\n';
const ASSETS: Record<string, [type: string, body: string]> = {
  '/assets/site.css': ['text/css; charset=utf-8', 'body{font:16px/1.5 system-ui;margin:0 auto;max-width:60rem}\n'],
  '/assets/app.js': ['text/javascript; charset=utf-8', 'document.documentElement.classList.add("js");\n'],
  '/favicon.ico': ['image/x-icon', '\u0000\u0000\u0001\u0000'],
};
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360"><rect width="640" height="360" fill="#ccd"/></svg>\n';
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8', '.xml': 'application/xml', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.ico': 'image/x-icon',
  '.pdf': 'application/pdf', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf',
};

const { values: args } = parseArgs({
  options: {
    pages: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    dir: { type: 'string' },
    lazy: { type: 'boolean', default: false },
    'cache-pages': { type: 'string', default: '2000' },
  },
});

const stats: ServerStats = { requests: 0, bytes: 0, connections: 0, cpuMs: 0, byStatus: {} };
let cpuSince = process.cpuUsage();
let handle: (request: IncomingMessage, response: ServerResponse, pathname: string) => Promise<void> | void = () => undefined;

const server = createServer({ keepAliveTimeout: 65_000, headersTimeout: 70_000 }, (request, response) => {
  const { pathname, search } = new URL(request.url ?? '/', 'http://localhost');
  if (pathname === '/__bench/stats') {
    const cpu = process.cpuUsage(cpuSince);
    stats.cpuMs = Math.round((cpu.user + cpu.system) / 1_000);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
    if (search === '?reset') {
      Object.assign(stats, { requests: 0, bytes: 0, connections: 0, cpuMs: 0, byStatus: {} });
      cpuSince = process.cpuUsage();
    }
    return;
  }
  stats.requests++;
  response.once('close', () => {
    const key = String(response.statusCode);
    stats.byStatus[key] = (stats.byStatus[key] ?? 0) + 1;
  });
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain', 'method not allowed', false);
  Promise.resolve(handle(request, response, pathname)).catch((error: unknown) => {
    console.error('site-server:', error);
    if (!response.headersSent) send(response, 500, 'text/plain', 'internal error', false);
    else response.destroy();
  });
});
server.on('connection', () => stats.connections++);

server.listen(0, HOST, () => {
  const { port } = server.address() as AddressInfo;
  const ready = args.dir === undefined ? serveGenerated(`http://${HOST}:${port}`) : serveDirectory(path.resolve(args.dir));
  ready.then(
    () => process.stdout.write(`${JSON.stringify({ port })}\n`),
    (error: unknown) => {
      console.error('site-server:', error);
      process.exit(1);
    },
  );
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

async function serveGenerated(origin: string): Promise<void> {
  const site = generateSite({ pages: toInt('pages', args.pages), seed: toInt('seed', args.seed), origin });
  const render = (index: number): Buffer => Buffer.from(site.html(index), 'utf8');
  const pageBody = args.lazy ? lruCache(toInt('cache-pages', args['cache-pages']), render) : prerender(site, render);
  handle = (request, response, pathname) => {
    if (pathname === '/robots.txt') return send(response, 200, 'text/plain; charset=utf-8', ROBOTS, request.method === 'HEAD');
    const asset = ASSETS[pathname];
    if (asset) return send(response, 200, asset[0], asset[1], request.method === 'HEAD');
    if (/^\/assets\/img\/fig-\d+\.svg$/.test(pathname)) return send(response, 200, 'image/svg+xml', SVG, request.method === 'HEAD');
    const index = site.indexOf(pathname);
    if (index === undefined) return send(response, 404, 'text/plain; charset=utf-8', 'not found', request.method === 'HEAD');
    send(response, 200, 'text/html; charset=utf-8', pageBody(index), request.method === 'HEAD');
  };
}

/** Renders every page up front (about 0.8 GB of Buffers for 20,000 pages) and logs the cost on stderr. */
function prerender(site: GeneratedSite, render: (index: number) => Buffer): (index: number) => Buffer {
  const started = performance.now();
  const bodies: Buffer[] = [];
  let bytes = 0;
  for (let index = 0; index < site.pages; index++) {
    const body = render(index);
    bodies.push(body);
    bytes += body.length;
  }
  const rssMB = Math.round(process.memoryUsage().rss / 2 ** 20);
  console.error(
    `site-server: rendered ${site.pages} pages, ${(bytes / 2 ** 20).toFixed(0)} MB, in ${Math.round(performance.now() - started)} ms; rss ${rssMB} MB`,
  );
  return (index) => bodies[index] as Buffer;
}

/** Renders on demand and keeps the `capacity` most recently served pages (a Map keeps insertion order). */
function lruCache(capacity: number, render: (index: number) => Buffer): (index: number) => Buffer {
  const cache = new Map<number, Buffer>();
  return (index) => {
    let body = cache.get(index);
    if (body) cache.delete(index);
    else body = render(index);
    cache.set(index, body);
    if (cache.size > capacity) cache.delete(cache.keys().next().value as number);
    return body;
  };
}

async function serveDirectory(root: string): Promise<void> {
  if (!(await stat(root)).isDirectory()) throw new Error(`--dir ${root} is not a directory`);
  handle = async (request, response, pathname) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return send(response, 400, 'text/plain', 'bad request', false);
    }
    let file = path.join(root, decoded);
    // Refuse `..` escapes: the resolved path must stay inside the served root.
    if (file !== root && !file.startsWith(root + path.sep)) return send(response, 403, 'text/plain', 'forbidden', false);
    let info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) {
      // Like static servers do: `/dir` redirects to `/dir/` so relative links in its index resolve inside it.
      if (!pathname.endsWith('/')) {
        response.writeHead(301, { location: `${pathname}/`, 'content-length': 0 });
        return void response.end();
      }
      file = path.join(file, 'index.html');
      info = await stat(file).catch(() => undefined);
    }
    if (pathname === '/robots.txt' && !info?.isFile()) return send(response, 200, 'text/plain; charset=utf-8', ROBOTS, request.method === 'HEAD');
    if (!info?.isFile()) return send(response, 404, 'text/plain; charset=utf-8', 'not found', request.method === 'HEAD');
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    response.writeHead(200, { 'content-type': type, 'content-length': info.size });
    stats.bytes += info.size;
    if (request.method === 'HEAD') return void response.end();
    createReadStream(file).on('error', () => response.destroy()).pipe(response);
  };
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer, isHead: boolean): void {
  const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  response.writeHead(status, { 'content-type': type, 'content-length': buffer.length });
  if (!isHead) stats.bytes += buffer.length;
  response.end(isHead ? undefined : buffer);
}

function toInt(name: string, value: string | undefined): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new Error(`Expected --${name} to be a non-negative integer, got ${value}`);
  return number;
}
