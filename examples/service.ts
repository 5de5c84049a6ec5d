// Using the crawl service from a script, as a team's job system would: start `sitecrawl serve` (here in-process with
// startService; from a shell it is `sitecrawl serve --webhook-secret S`), submit an images job over HTTP, and wait for
// the signed webhook that says it is done. Nothing is polled.
// Run: npx tsx examples/service.ts https://example.com/ ./service-data   (jobs land in service-data/<id>/)
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { SIGNATURE_HEADER, startService } from 'sitecrawl';
import type { Job } from 'sitecrawl';

const SECRET = 'example-webhook-secret';

/** Whether `signature` (the X-Sitecrawl-Signature header) is the HMAC-SHA256 of `body` under `secret`. */
function verify(body: string, signature: string | undefined, secret: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A webhook receiver on 127.0.0.1: resolves with the first correctly signed delivery. */
async function receiveWebhook(): Promise<{ url: string; delivery: Promise<Job>; close(): void }> {
  let deliver: (job: Job) => void = () => undefined;
  const delivery = new Promise<Job>((resolve) => (deliver = resolve));
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (!verify(body, req.headers[SIGNATURE_HEADER] as string | undefined, SECRET)) return void res.writeHead(401).end();
      res.writeHead(204).end();
      deliver(JSON.parse(body) as Job);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, delivery, close: () => server.close() };
}

/** Submits an images job for `startUrl` to a service keeping its jobs in `dataDir`, and waits for its webhook. */
export async function main(startUrl: string, dataDir: string): Promise<void> {
  const receiver = await receiveWebhook();
  // allowPrivate: the example crawls and calls back on this machine; leave it off for sites from others.
  const service = await startService({ port: 0, dataDir, webhookSecret: SECRET, allowPrivate: true });
  try {
    const answer = await fetch(`${service.url}/api/crawls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'images', urls: [startUrl], options: { maxDepth: 2, minWidth: 32 }, webhook: receiver.url }),
    });
    if (answer.status !== 202) throw new Error(`submission refused: ${await answer.text()}`);
    const submitted = (await answer.json()) as Job;
    console.log(`submitted job ${submitted.id} (${submitted.state})`);
    const ended = await receiver.delivery;
    console.log(`job ${ended.id} ${ended.state}: ${ended.counters.pages} pages, ${ended.counters.imagesSaved} images saved`);
    for (const [name, file] of Object.entries(ended.files)) console.log(`  ${name}: ${service.url}/api/crawls/${ended.id}/files/${file}`);
  } finally {
    await service.close();
    receiver.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [startUrl, dataDir = 'service-data'] = process.argv.slice(2);
  if (!startUrl) {
    console.error('usage: service.ts <start-url> [data-dir]');
    process.exit(2);
  }
  await main(startUrl, dataDir);
}
