import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Agent, EnvHttpProxyAgent, ProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';
import { FetchError } from '../errors.js';
import { guardedConnector } from './guarded-connector.js';
import type { AddressFilter } from './public-address.js';

/** What the crawl's dispatcher is built from. */
export interface DispatcherOptions {
  timeoutMs: number;
  /** Keep-alive connections per origin. */
  connectionsPerOrigin: number;
  /** When set, requests go only to addresses it accepts; others fail as `blocked-address`. */
  isAddressAllowed?: AddressFilter | undefined;
  /** An http(s) proxy URL, `'env'` (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), or `undefined` for direct connections. */
  proxy?: string | undefined;
}

/** The dispatcher every request goes through, and the check a request's target must pass first (with a proxy). */
export interface CrawlDispatcher {
  dispatcher: Dispatcher;
  /**
   * With a proxy and an address rule: resolves when `url`'s host may be requested, rejects with FetchError
   * `blocked-address` when not. `undefined` when the connector checks every connection itself.
   */
  checkTarget: ((url: URL) => Promise<void>) | undefined;
}

function refused(hostname: string, address: string): FetchError {
  const target = hostname === address ? address : `${hostname} (${address})`;
  return new FetchError('blocked-address', `Refused to request ${target}: the address is not allowed`);
}

/**
 * With a proxy, the socket goes to the proxy and the proxy connects to the target, so the guarded connector cannot see
 * the target's address. The rule then: the proxy's own address is allowed (it was chosen by whoever runs the crawl);
 * the target's host is checked before the request is sent, an IP literal as it is and a name by resolving it here,
 * every address it resolves to. A name that does not resolve here is left to the proxy, which may see another DNS.
 */
function targetCheck(isAllowed: AddressFilter): (url: URL) => Promise<void> {
  return async (url) => {
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(hostname) !== 0) {
      if (!isAllowed(hostname)) throw refused(hostname, hostname);
      return;
    }
    let addresses: { address: string }[];
    try {
      addresses = await lookup(hostname, { all: true });
    } catch {
      return;
    }
    const denied = addresses.find((entry) => !isAllowed(entry.address));
    if (denied) throw refused(hostname, denied.address);
  };
}

/**
 * Builds the crawl's undici dispatcher: a keep-alive Agent, or with `proxy` a ProxyAgent (one proxy) or an
 * EnvHttpProxyAgent (the environment's proxies and NO_PROXY). Through a proxy, http:// targets go as absolute-form
 * requests (as curl sends them; many proxies refuse CONNECT to port 80) and https:// targets through a CONNECT tunnel;
 * credentials in the proxy URL become Proxy-Authorization. Direct connections use the guarded connector when an
 * address rule is set.
 */
export function createDispatcher(options: DispatcherOptions): CrawlDispatcher {
  const connect = options.isAddressAllowed ? guardedConnector(options.isAddressAllowed, { timeout: options.timeoutMs }) : { timeout: options.timeoutMs };
  const agentOptions: Agent.Options = {
    connections: options.connectionsPerOrigin,
    keepAliveTimeout: 10_000,
    connect,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  };
  if (options.proxy === undefined) return { dispatcher: new Agent(agentOptions), checkTarget: undefined };
  const checkTarget = options.isAddressAllowed ? targetCheck(options.isAddressAllowed) : undefined;
  // The NO_PROXY agent connects directly, through the guarded connector; ProxyAgent replaces `connect` with its own
  // (to the proxy, then the tunnel), which is unguarded by design.
  const dispatcher =
    options.proxy === 'env'
      ? new EnvHttpProxyAgent({ ...agentOptions, proxyTunnel: false } as EnvHttpProxyAgent.Options)
      : new ProxyAgent({ ...agentOptions, uri: options.proxy, proxyTunnel: false });
  return { dispatcher, checkTarget };
}
