import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A port on `host` that refuses connections: one the OS just gave to a listener that was then closed. */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
