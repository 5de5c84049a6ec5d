import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isPublicAddress } from '../crawler/public-address.js';

/**
 * The first internal address (private, loopback, link-local, ...; see `isPublicAddress`) the host of `url` resolves
 * to, or undefined. A host that does not resolve passes: the crawl records the DNS failure. This check answers a
 * submission early; the one that counts runs again at connect time in the job (redirects, DNS rebinding).
 */
export async function internalAddressOf(url: string): Promise<string | undefined> {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) !== 0) return isPublicAddress(host) ? undefined : host;
  try {
    const addresses = await lookup(host, { all: true });
    return addresses.find((entry) => !isPublicAddress(entry.address))?.address;
  } catch {
    return undefined;
  }
}
