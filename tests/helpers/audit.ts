import { runAudit } from '../../src/index.js';
import type { AuditCrawlerOptions, AuditReport } from '../../src/index.js';

/**
 * Audits from `startUrl` quietly, parsing on the main thread (worker threads have their own test), with no retries
 * (tests that want them say so). Options override the defaults.
 */
export function auditSite(startUrl: string, options: Partial<AuditCrawlerOptions> = {}): Promise<AuditReport> {
  return runAudit({ startUrls: [startUrl], logLevel: 'silent', retries: 0, retryDelayMs: 1, workers: 0, ...options });
}

/** `/path?query#fragment` of a URL. */
export function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}
