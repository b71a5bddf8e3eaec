import { cidr, inCidr, parseIpAddress, type AddressBytes, type Cidr } from './ip-address.js';

/**
 * Address ranges a registry request must not reach unless the operator named the host. The list
 * follows the IANA special-purpose address registries: everything not globally reachable. Why each
 * matters for a service that fetches URLs other people choose:
 *
 * - loopback and "this network": the service's own host (admin ports, sidecars, Redis);
 * - link-local: cloud metadata endpoints (`169.254.169.254`, `fd00:ec2::254`) hand out credentials;
 * - private, shared (CGNAT) and unique-local: the internal network behind the service;
 * - multicast, reserved, documentation, benchmarking: never a registry, so only ever an attack or a
 *   mistake.
 */
const IPV4_RANGES: readonly Cidr[] = [
  cidr('0.0.0.0/8', 'this network'),
  cidr('10.0.0.0/8', 'private'),
  cidr('100.64.0.0/10', 'shared address space'),
  cidr('127.0.0.0/8', 'loopback'),
  cidr('169.254.0.0/16', 'link-local'),
  cidr('172.16.0.0/12', 'private'),
  cidr('192.0.0.0/24', 'IETF protocol assignments'),
  cidr('192.0.2.0/24', 'documentation'),
  cidr('192.88.99.0/24', '6to4 relay'),
  cidr('192.168.0.0/16', 'private'),
  cidr('198.18.0.0/15', 'benchmarking'),
  cidr('198.51.100.0/24', 'documentation'),
  cidr('203.0.113.0/24', 'documentation'),
  cidr('224.0.0.0/4', 'multicast'),
  cidr('240.0.0.0/4', 'reserved'),
];

const IPV6_RANGES: readonly Cidr[] = [
  // Covers `::` and `::1`, and the deprecated IPv4-compatible form `::a.b.c.d`.
  cidr('::/96', 'unspecified, loopback or IPv4-compatible'),
  cidr('64:ff9b:1::/48', 'local NAT64'),
  cidr('100::/64', 'discard-only'),
  // Teredo (2001::/32) hides an IPv4 address inside; the rest of the block is protocol plumbing.
  cidr('2001::/23', 'IETF protocol assignments'),
  cidr('2001:db8::/32', 'documentation'),
  // 6to4 embeds an IPv4 address that the relay would reach for us: refused outright.
  cidr('2002::/16', '6to4'),
  cidr('3fff::/20', 'documentation'),
  cidr('5f00::/16', 'segment routing'),
  cidr('fc00::/7', 'unique-local'),
  cidr('fe80::/10', 'link-local'),
  cidr('fec0::/10', 'site-local'),
  cidr('ff00::/8', 'multicast'),
];

/**
 * IPv6 prefixes whose last 32 bits are an IPv4 address that will actually be reached: the IPv4-mapped
 * form (`::ffff:127.0.0.1` is 127.0.0.1 on a dual-stack socket) and well-known NAT64. They are judged
 * by the IPv4 address inside, so `::ffff:169.254.169.254` cannot slip past the IPv4 list.
 */
const EMBEDDED_IPV4: readonly Cidr[] = [cidr('::ffff:0:0/96', 'IPv4-mapped'), cidr('64:ff9b::/96', 'NAT64')];

function rangeOf(bytes: AddressBytes): string | undefined {
  if (bytes.length === 16) {
    if (EMBEDDED_IPV4.some((range) => inCidr(bytes, range))) return rangeOf(bytes.subarray(12));
    return IPV6_RANGES.find((range) => inCidr(bytes, range))?.name;
  }
  return IPV4_RANGES.find((range) => inCidr(bytes, range))?.name;
}

/**
 * The name of the non-public range `address` lies in (`loopback`, `private`, `link-local`...), or
 * undefined for a public address. Something that is not an IP address at all counts as non-public:
 * this answers "may we connect there", and an unreadable answer is no.
 */
export function nonPublicRange(address: string): string | undefined {
  const bytes = parseIpAddress(address);
  if (bytes === undefined) return 'not an IP address';
  return rangeOf(bytes);
}
