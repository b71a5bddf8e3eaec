import { X509Certificate } from '@sigstore/core';
import { describe, expect, it } from 'vitest';
import { createTestSigstore } from '../../../test/support/sigstore/index.js';
import { EncodedCertificate } from './encoded-certificate.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
const ours = createTestSigstore();
const stranger = createTestSigstore();
const leafDer = ours.issueCertificate({
  san: { uri: 'https://example.test/a' },
  issuer: ISSUER,
}).certificateDer;
const strangerLeafDer = stranger.issueCertificate({
  san: { uri: 'https://example.test/a' },
  issuer: ISSUER,
}).certificateDer;

/** The same leaf with one bit of its signature flipped: parses, but no key verifies it. */
function tampered(der: Buffer): Buffer<ArrayBuffer> {
  const copy = Buffer.from(der);
  copy[copy.length - 1]! ^= 0x01;
  return copy;
}

const ders: Record<string, Buffer<ArrayBuffer>> = {
  root: Buffer.from(ours.fulcio.rootDer),
  intermediate: Buffer.from(ours.fulcio.intermediateDer),
  leaf: Buffer.from(leafDer),
  tamperedLeaf: tampered(leafDer),
  strangerRoot: Buffer.from(stranger.fulcio.rootDer),
  strangerIntermediate: Buffer.from(stranger.fulcio.intermediateDer),
  strangerLeaf: Buffer.from(strangerLeafDer),
};
const names = Object.keys(ders);
const plain = (name: string) => X509Certificate.parse(ders[name]!);
const encoded = (name: string) => EncodedCertificate.fromDer(ders[name]!);

describe('EncodedCertificate', () => {
  describe('gives the same answers as the X509Certificate it replaces', () => {
    it('for equals, on every pair, in both directions and against plain certificates', () => {
      for (const a of names) {
        for (const b of names) {
          const expected = plain(a).equals(plain(b));
          expect(encoded(a).equals(encoded(b)), `${a} equals ${b}`).toBe(expected);
          expect(encoded(a).equals(plain(b)), `${a} equals plain ${b}`).toBe(expected);
          expect(plain(a).equals(encoded(b)), `plain ${a} equals ${b}`).toBe(expected);
        }
      }
    });

    it('for verify, on every (certificate, issuer) pair and self-signed', () => {
      for (const subject of names) {
        expect(encoded(subject).verify(), `${subject} self-signed`).toBe(plain(subject).verify());
        for (const issuer of names) {
          const expected = plain(subject).verify(plain(issuer));
          expect(encoded(subject).verify(encoded(issuer)), `${subject} by ${issuer}`).toBe(expected);
          expect(encoded(subject).verify(plain(issuer)), `${subject} by plain ${issuer}`).toBe(expected);
        }
      }
    });

    it('and those answers are the expected ones for a real chain', () => {
      expect(encoded('leaf').verify(encoded('intermediate'))).toBe(true);
      expect(encoded('intermediate').verify(encoded('root'))).toBe(true);
      expect(encoded('root').verify()).toBe(true);
      expect(encoded('tamperedLeaf').verify(encoded('intermediate'))).toBe(false);
      expect(encoded('leaf').verify(encoded('strangerIntermediate'))).toBe(false);
      expect(encoded('strangerLeaf').verify(encoded('intermediate'))).toBe(false);
    });

    it('after earlier answers: what it remembers is encodings, not outcomes', () => {
      const leaf = encoded('leaf');
      const intermediate = encoded('intermediate').precompute();
      const strangerIntermediate = encoded('strangerIntermediate').precompute();
      expect(leaf.verify(intermediate)).toBe(true);
      expect(leaf.verify(strangerIntermediate)).toBe(false);
      expect(leaf.verify(intermediate)).toBe(true);
      expect(encoded('tamperedLeaf').verify(intermediate)).toBe(false);
      expect(leaf.equals(intermediate)).toBe(false);
      expect(leaf.equals(encoded('leaf'))).toBe(true);
    });
  });

  it('clones into an independent certificate: changing the clone leaves the original intact', () => {
    const leaf = encoded('leaf');
    const clone = leaf.clone();
    expect(clone).not.toBeInstanceOf(EncodedCertificate);
    expect(clone.equals(leaf)).toBe(true);
    // What the SCT check does to its clone.
    clone.extensions.splice(0, 1);
    expect(clone.equals(leaf)).toBe(false);
    expect(leaf.der.equals(ders.leaf!)).toBe(true);
    expect(leaf.equals(plain('leaf'))).toBe(true);
    expect(leaf.verify(encoded('intermediate'))).toBe(true);
  });

  it('wraps a parsed certificate once (from() of an EncodedCertificate is itself)', () => {
    const leaf = encoded('leaf');
    expect(EncodedCertificate.from(leaf)).toBe(leaf);
    expect(EncodedCertificate.from(plain('leaf')).equals(leaf)).toBe(true);
  });

  it('rejects malformed DER exactly like X509Certificate.parse', () => {
    const truncated = ders.leaf!.subarray(0, 100);
    expect(() => X509Certificate.parse(truncated)).toThrow();
    expect(() => EncodedCertificate.fromDer(truncated)).toThrow();
  });
});
