import { isIP } from 'node:net';
import { createRequire } from 'node:module';
import type ipaddr from 'ipaddr.js';

/** Decides whether a connection may go to an IP address (dotted IPv4 or IPv6 text, as DNS answers it): `true` allows. */
export type AddressFilter = (address: string) => boolean;

type Cidr = [ipaddr.IPv6, number];

/**
 * ipaddr.js and the IPv6 prefixes the rule needs, loaded on the first check: a crawl that never checks (the CLI's,
 * unlike the service's jobs) does not load them (issue 15).
 */
let tables:
  | { ipaddr: typeof ipaddr; ipv4Compatible: Cidr; nat64: Cidr; sixToFour: Cidr; siit: Cidr }
  | undefined;

function loadTables(): NonNullable<typeof tables> {
  if (tables) return tables;
  const lib = createRequire(import.meta.url)('ipaddr.js') as typeof ipaddr;
  tables = {
    ipaddr: lib,
    // ::/96 held the IPv4-compatible addresses RFC 4291 2.5.5.1 deprecated; ipaddr.js calls all but :: and ::1 unicast.
    ipv4Compatible: lib.IPv6.parseCIDR('::/96'),
    // The well-known NAT64 prefix (RFC 6052 2.1): a public IPv4 address behind it is as public as the address itself.
    nat64: lib.IPv6.parseCIDR('64:ff9b::/96'),
    sixToFour: lib.IPv6.parseCIDR('2002::/16'),
    siit: lib.IPv6.parseCIDR('::ffff:0:0:0/96'),
  };
  return tables;
}

/**
 * Whether `address` is an ordinary public unicast address a crawl may connect to: the rule of `denyPrivateAddresses:
 * true`. Refused: loopback, private (RFC 1918), link-local (169.254/16, where cloud metadata services answer, and
 * fe80::/10), unique-local (fc00::/7), carrier-grade NAT (100.64/10), unspecified, multicast, broadcast, and every
 * other special-purpose range IANA lists (documentation, benchmarking, reserved, ...), by ipaddr.js's tables. IPv6
 * forms that carry an IPv4 address (IPv4-mapped, SIIT, NAT64, 6to4) are judged by the IPv4 address they carry. Text
 * that is not a canonical IP address is refused. Pure.
 */
export function isPublicAddress(address: string): boolean {
  // net.isIP accepts only canonical forms, so `0177.0.0.1` or `127.1` never reach ipaddr.js's lenient parser.
  if (isIP(address) === 0) return false;
  const { ipaddr, ipv4Compatible } = loadTables();
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  const ipv6 = parsed as ipaddr.IPv6;
  const embedded = embeddedIpv4(ipv6);
  if (embedded) return embedded.range() === 'unicast';
  if (ipv6.match(ipv4Compatible)) return false;
  return ipv6.range() === 'unicast';
}

function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const { ipaddr, siit, nat64, sixToFour } = loadTables();
  const bytes = address.toByteArray();
  if (address.isIPv4MappedAddress() || address.match(siit) || address.match(nat64)) return new ipaddr.IPv4(bytes.slice(12, 16));
  if (address.match(sixToFour)) return new ipaddr.IPv4(bytes.slice(2, 6));
  return undefined;
}
