import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

/** One request a {@link ForwardProxy} received: an absolute-form request, or a CONNECT. */
export interface ProxiedRequest {
  method: string;
  /** The absolute URL, or `host:port` for CONNECT. */
  target: string;
  headers: IncomingHttpHeaders;
}

/** A small forward proxy on 127.0.0.1 for tests. */
export interface ForwardProxy {
  /** `http://127.0.0.1:PORT` (with `user:password@` when credentials are required). */
  readonly url: string;
  readonly requests: readonly ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * Starts a forward proxy on 127.0.0.1, port 0: absolute-form requests (`GET http://host/path`) are forwarded with
 * node:http, CONNECT opens a tunnel. It only ever connects to loopback targets (127.0.0.0/8); others get 403. With
 * `credentials`, a request without the matching Proxy-Authorization gets 407.
 */
export async function startForwardProxy(options: { credentials?: { username: string; password: string } } = {}): Promise<ForwardProxy> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const expected = options.credentials && `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`;
  const authorized = (headers: IncomingHttpHeaders) => expected === undefined || headers['proxy-authorization'] === expected;
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', target: req.url ?? '', headers: req.headers });
    if (!authorized(req.headers)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute-form requests only');
      return;
    }
    if (!target.hostname.startsWith('127.')) {
      res.writeHead(403).end('loopback targets only');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest({ host: target.hostname, port: target.port || 80, path: `${target.pathname}${target.search}`, method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket) => {
    requests.push({ method: 'CONNECT', target: req.url ?? '', headers: req.headers });
    const [host = '', port = '443'] = (req.url ?? '').split(':');
    if (!authorized(req.headers) || !host.startsWith('127.')) {
      client.end(`HTTP/1.1 ${authorized(req.headers) ? 403 : 407} Refused\r\n\r\n`);
      return;
    }
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const credentials = options.credentials ? `${options.credentials.username}:${options.credentials.password}@` : '';
  return {
    url: `http://${credentials}127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
