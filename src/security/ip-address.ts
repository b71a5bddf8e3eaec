import { isIPv4, isIPv6 } from 'node:net';

/**
 * IP address parsing for the outbound checks. Only canonical forms reach here in practice (what
 * `getaddrinfo` returns, or what the WHATWG URL parser made of a host), but the parser is strict on
 * purpose: anything `node:net` does not call an address is not one, so odd spellings (`0x7f.1`,
 * `2130706433`, `0177.0.0.1`) can never be classified as something harmless.
 */

/** An address as bytes: 4 for IPv4, 16 for IPv6. */
export type AddressBytes = Uint8Array;

function ipv4Bytes(address: string): AddressBytes {
  return Uint8Array.from(address.split('.').map(Number));
}

/** The 16 bytes of an IPv6 address (`node:net` validated it), including a trailing dotted quad. */
function ipv6Bytes(address: string): AddressBytes {
  let text = address;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // `::ffff:127.0.0.1`: the last 32 bits written as IPv4.
    tail.push(...ipv4Bytes(text.slice(lastColon + 1)));
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head = '', rest] = text.split('::') as [string, string | undefined];
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const before = groups(head);
  const after = rest === undefined ? [] : groups(rest);
  const words = [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
  const bytes = new Uint8Array(16);
  words.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 0xff;
  });
  if (tail.length === 4) bytes.set(tail, 12);
  return bytes;
}

/**
 * Parses an IP address literal, without brackets; a zone (`fe80::1%eth0`) is ignored. Returns
 * undefined for anything that is not an address (including host names).
 */
export function parseIpAddress(text: string): AddressBytes | undefined {
  const address = text.split('%')[0] ?? '';
  if (isIPv4(address)) return ipv4Bytes(address);
  if (isIPv6(address)) return ipv6Bytes(address);
  return undefined;
}

/** `10.0.0.0/8` → bytes and prefix length. */
export interface Cidr {
  readonly bytes: AddressBytes;
  readonly prefix: number;
  readonly name: string;
}

export function cidr(range: string, name: string): Cidr {
  const [base = '', prefix = ''] = range.split('/');
  const bytes = parseIpAddress(base);
  if (bytes === undefined) throw new Error(`bad range ${range}`);
  return { bytes, prefix: Number(prefix), name };
}

/** True when `address` (same family) lies in `range`. */
export function inCidr(address: AddressBytes, range: Cidr): boolean {
  if (address.length !== range.bytes.length) return false;
  const whole = Math.floor(range.prefix / 8);
  for (let i = 0; i < whole; i++) if (address[i] !== range.bytes[i]) return false;
  const bits = range.prefix % 8;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return ((address[whole] ?? 0) & mask) === ((range.bytes[whole] ?? 0) & mask);
}
