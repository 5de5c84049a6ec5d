import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { guardedConnector } from '../crawler/guarded-connector.js';
import { isPublicAddress } from '../crawler/public-address.js';
import type { WebhookAttempt } from './job-types.js';

/** The header carrying the signature: `sha256=` and the hex HMAC-SHA256 of the raw body, keyed with the secret. */
export const SIGNATURE_HEADER = 'x-sitecrawl-signature';

/** The signature header's value for `body`. Pure. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** How to deliver webhooks. */
export interface WebhookSettings {
  tries: number;
  /** Wait before the second try, doubled before each next one. */
  backoffMs: number;
  timeoutMs: number;
  secret: string | undefined;
  /** Refuse private, loopback and link-local addresses at connect time (the crawl's guard). */
  denyPrivate: boolean;
}

/** The wait before try `n` (1-based): none before the first, then backoff, 2 x backoff, 4 x backoff, ... Pure. */
export function backoffBefore(n: number, backoffMs: number): number {
  return n <= 1 ? 0 : backoffMs * 2 ** (n - 2);
}

/**
 * POSTs `payload` as JSON to `url` until a 2xx answer or `tries` attempts, waiting {@link backoffBefore} between
 * them; each attempt is reported to `onAttempt` as it ends. Connections go through the crawl's address guard when
 * `denyPrivate` is set, checked on the resolved address at connect time. Never throws.
 * @returns whether a delivery succeeded.
 */
export async function deliverWebhook(
  url: string,
  payload: object,
  settings: WebhookSettings,
  onAttempt: (attempt: WebhookAttempt, n: number) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<boolean> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'sitecrawl-webhook' };
  if (settings.secret !== undefined) headers[SIGNATURE_HEADER] = signBody(settings.secret, body);
  const agent = new Agent({
    connectTimeout: settings.timeoutMs,
    ...(settings.denyPrivate ? { connect: guardedConnector(isPublicAddress, { timeout: settings.timeoutMs }) } : {}),
  });
  try {
    for (let n = 1; n <= settings.tries; n++) {
      if (n > 1) {
        try {
          await sleep(backoffBefore(n, settings.backoffMs), undefined, { signal });
        } catch {
          return false;
        }
      }
      const at = new Date().toISOString();
      let attempt: WebhookAttempt;
      try {
        const answer = await request(url, {
          method: 'POST', body, headers: { ...headers, 'x-sitecrawl-attempt': String(n) }, dispatcher: agent,
          headersTimeout: settings.timeoutMs, bodyTimeout: settings.timeoutMs,
        });
        await answer.body.dump();
        const ok = answer.statusCode >= 200 && answer.statusCode < 300;
        attempt = { at, status: answer.statusCode, error: ok ? null : `HTTP ${answer.statusCode}` };
      } catch (error) {
        const cause = (error as Error & { cause?: Error }).cause;
        attempt = { at, status: null, error: (cause ?? (error as Error)).message };
      }
      await onAttempt(attempt, n);
      if (attempt.error === null) return true;
    }
    return false;
  } finally {
    await agent.close().catch(() => undefined);
  }
}
