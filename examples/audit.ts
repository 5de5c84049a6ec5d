// A link and title audit from code: every link, image, script and stylesheet checked once, redirects, titles, fragments.
// Run: npx tsx examples/audit.ts https://example.com/ ./out   (writes out/audit.json, out/audit.csv and out/report.html)
import { pathToFileURL } from 'node:url';
import { runAudit } from 'sitecrawl';

/** Audits `startUrl` two levels deep (fragments included), writes the report files to `outDir` and prints the broken links. */
export async function main(startUrl: string, outDir: string): Promise<void> {
  const report = await runAudit({ startUrls: [startUrl], maxDepth: 2, checkFragments: true, outDir, logLevel: 'error' });
  for (const link of report.brokenLinks) {
    const pages = link.referrers.map((referrer) => referrer.page).join(', ');
    console.log(`${link.status ?? link.error.code} ${link.url} <- ${pages || 'start URL'}`);
  }
  const { summary } = report;
  console.log(`${summary.pagesCrawled} pages, ${summary.urlsChecked} URLs checked, ${summary.broken} broken -> ${outDir}/report.html`);
  // In CI, fail the job the way `sitecrawl audit` does: summary.failed is true when anything at or above failOn was found.
  if (summary.failed) console.log(`problems at level ${summary.worstLevel}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [startUrl, outDir = 'out'] = process.argv.slice(2);
  if (!startUrl) {
    console.error('usage: audit.ts <start-url> [out-dir]');
    process.exit(2);
  }
  await main(startUrl, outDir);
}
