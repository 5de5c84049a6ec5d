import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import type { buildConnector } from 'undici';
import { buildConnector as createConnector } from './undici-core.js';
import { FetchError } from '../errors.js';
import type { AddressFilter } from './public-address.js';

function refused(hostname: string, address: string): FetchError {
  const target = hostname === address ? address : `${hostname} (${address})`;
  return new FetchError('blocked-address', `Refused to connect to ${target}: the address is not allowed`);
}

/**
 * A dns.lookup that resolves every address of a host and fails with `blocked-address` when any of them is refused,
 * so the socket connects only to addresses that were checked: a host that answers a public address to one lookup and
 * a private one to the next (DNS rebinding) meets the check on the address actually used.
 */
function guardedLookup(isAllowed: AddressFilter): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      // All or none: a host that also resolves to an internal address is refused even if a public one would be tried first.
      const denied = addresses.find((entry) => !isAllowed(entry.address));
      if (denied) return callback(refused(hostname, denied.address), '');
      const [first] = addresses;
      if (options.all) callback(null, addresses);
      else if (first) callback(null, first.address, first.family);
      else callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
    });
  };
}

/**
 * An undici connector that lets sockets reach only the addresses `isAllowed` accepts, checked at connect time after
 * DNS resolution (for pages, redirect hops, robots.txt, images and link checks alike, since all share the Agent).
 * A refused connection fails with FetchError `blocked-address` before any byte is sent. IP literals are checked
 * here because Node's net skips the lookup for them.
 */
export function guardedConnector(isAllowed: AddressFilter, options: buildConnector.BuildOptions): buildConnector.connector {
  const connect = createConnector({ ...options, lookup: guardedLookup(isAllowed) });
  return (connectOptions, callback) => {
    // undici strips the brackets of an IPv6 literal; strip them anyway should a version not.
    const hostname = connectOptions.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(hostname) !== 0 && !isAllowed(hostname)) return callback(refused(hostname, hostname), null);
    return connect(connectOptions, callback);
  };
}
