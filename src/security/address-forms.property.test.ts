import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nonPublicRange } from './address-ranges.js';
import { OutboundPolicy } from './outbound-policy.js';

/**
 * However an address is spelled in a URL, the policy judges the address it means. Every spelling the
 * WHATWG URL parser (and so undici) accepts for an IPv4 address is generated for random addresses in
 * the refused ranges; none may pass.
 */
const policy = new OutboundPolicy({ allowedRegistries: [], insecureRegistries: [] });

const REFUSED_V4: readonly [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10
  [0x7f000000, 8], // 127/8
  [0xa9fe0000, 16], // 169.254/16
  [0xac100000, 12], // 172.16/12
  [0xc0a80000, 16], // 192.168/16
  [0xe0000000, 4], // multicast
  [0xf0000000, 4], // reserved
];

const refusedAddress = fc
  .tuple(fc.constantFrom(...REFUSED_V4), fc.integer({ min: 0, max: 0xffffffff }))
  .map(([[base, prefix], random]) => {
    const hostBits = 32 - prefix;
    const mask = hostBits === 32 ? 0xffffffff : (1 << hostBits) - 1;
    return (base | (random & mask)) >>> 0;
  });

const octets = (n: number) => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const hex16 = (n: number) => [(n >>> 16).toString(16), (n & 0xffff).toString(16)];

/** Spellings of one IPv4 address as a URL host. */
const spellings: ((n: number) => string)[] = [
  (n) => octets(n).join('.'),
  (n) => String(n),
  (n) => `0x${n.toString(16)}`,
  (n) =>
    octets(n)
      .map((o) => `0${o.toString(8)}`)
      .join('.'),
  (n) =>
    octets(n)
      .map((o) => `0x${o.toString(16)}`)
      .join('.'),
  (n) => `${n >>> 24}.${n & 0xffffff}`,
  (n) => `${n >>> 24}.${(n >>> 16) & 0xff}.${n & 0xffff}`,
  (n) => `[::ffff:${octets(n).join('.')}]`,
  (n) => `[::ffff:${hex16(n).join(':')}]`,
  (n) => `[0:0:0:0:0:ffff:${hex16(n).join(':')}]`,
  (n) => `[64:ff9b::${hex16(n).join(':')}]`,
];

describe('addresses in any spelling', () => {
  it('are refused when they mean a non-public IPv4 address', () => {
    fc.assert(
      fc.property(refusedAddress, fc.nat({ max: spellings.length - 1 }), (address, which) => {
        const host = spellings[which]!(address);
        const refusal = policy.checkUrl(new URL(`https://${host}:443/v2/`));
        expect(refusal?.code, host).toBe('REGISTRY_FORBIDDEN');
      }),
      { numRuns: 2000 },
    );
  });

  it('agree with the canonical form for any IPv4 address', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.nat({ max: spellings.length - 1 }),
        (address, which) => {
          const host = spellings[which]!(address);
          const canonical = octets(address).join('.');
          const refused = policy.checkUrl(new URL(`https://${host}/`)) !== undefined;
          expect(refused, host).toBe(nonPublicRange(canonical) !== undefined);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
