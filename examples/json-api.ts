// Walking a paginated JSON API: opt in to application/json, read page.json(), return the next page as a link.
// The API answers {"items": [...], "next": "/api/items?page=2"} (next is null on the last page), and, like Imgur's
// and most image APIs, refuses a request without an Authorization header: `Client-ID <id>` for an app, or an OAuth
// token (then use `auth: { bearer: token }`). The header goes to the API's origin only, never to a link elsewhere.
// Run: API_CLIENT_ID=... npx tsx examples/json-api.ts https://api.example.com/items?page=1 ./out   (writes out/records.jsonl)
import { pathToFileURL } from 'node:url';
import { Crawler } from 'sitecrawl';
import type { Extracted, Page } from 'sitecrawl';

interface ItemsPage {
  items: Array<Record<string, unknown>>;
  next: string | null;
}

class ApiCrawler extends Crawler {
  protected override parse(page: Page): Extracted {
    const body = page.json<ItemsPage>();
    const next = body.next ? page.resolve(body.next) : null;
    return {
      records: body.items.map((item) => ({ ...item, source: page.finalUrl })),
      links: next ? [{ url: next }] : [],
    };
  }
}

/** The app's id, sent as `Authorization: Client-ID <id>`. */
const CLIENT_ID = process.env['API_CLIENT_ID'] ?? 'example-client-id';

/** Follows `next` links from `startUrl` (up to 1,000 pages) and writes every item to `outDir/records.jsonl`. */
export async function main(startUrl: string, outDir: string): Promise<void> {
  const crawler = new ApiCrawler({
    startUrls: [startUrl],
    headers: { Authorization: `Client-ID ${CLIENT_ID}` },
    contentTypes: ['application/json'],
    maxDepth: 1000,
    concurrency: 1,
    outDir,
    logLevel: 'warn',
  });
  const summary = await crawler.run();
  console.log(`${summary.pages} API pages, ${summary.records} items -> ${outDir}/records.jsonl`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [startUrl, outDir = 'out'] = process.argv.slice(2);
  if (!startUrl) {
    console.error('usage: json-api.ts <start-url> [out-dir]');
    process.exit(2);
  }
  await main(startUrl, outDir);
}
