import nodeCrypto from 'node:crypto';
import { X509Certificate } from '@sigstore/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

  describe('remembers a signature check only between certificates of a loaded trust root', () => {
    afterEach(() => vi.restoreAllMocks());
    /** Signature checks the certificates do (through @sigstore/core, which calls node:crypto). */
    const countChecks = () => vi.spyOn(nodeCrypto, 'verify');

    it('checks "intermediate signed by root" and "root signed by itself" once per trust root', () => {
      const root = encoded('root').precompute();
      const intermediate = encoded('intermediate').precompute();
      const checks = countChecks();
      for (let n = 0; n < 3; n += 1) {
        expect(intermediate.verify(root)).toBe(true);
        expect(root.verify()).toBe(true);
        expect(root.verify(intermediate)).toBe(false);
      }
      expect(checks).toHaveBeenCalledTimes(3);
    });

    it('checks a leaf every time, against anchored issuers too: leaves are attacker input', () => {
      const intermediate = encoded('intermediate').precompute();
      const leaf = encoded('leaf');
      const checks = countChecks();
      expect(leaf.verify(intermediate)).toBe(true);
      expect(leaf.verify(intermediate)).toBe(true);
      expect(encoded('tamperedLeaf').verify(intermediate)).toBe(false);
      expect(checks).toHaveBeenCalledTimes(3);
    });

    it('checks anew when only one side is anchored, or neither', () => {
      const root = encoded('root');
      const anchoredRoot = encoded('root').precompute();
      const intermediate = encoded('intermediate');
      const checks = countChecks();
      expect(intermediate.verify(anchoredRoot)).toBe(true);
      expect(intermediate.verify(anchoredRoot)).toBe(true);
      expect(intermediate.verify(root)).toBe(true);
      expect(root.verify()).toBe(true);
      expect(root.verify()).toBe(true);
      expect(checks).toHaveBeenCalledTimes(5);
    });

    it('keeps a failed check failed: a stranger CA in the same trust root never verifies ours', () => {
      const strangerRoot = encoded('strangerRoot').precompute();
      const intermediate = encoded('intermediate').precompute();
      expect(intermediate.verify(strangerRoot)).toBe(false);
      expect(intermediate.verify(strangerRoot)).toBe(false);
      expect(intermediate.verify(encoded('root').precompute())).toBe(true);
    });
  });

  it('reads each extension once, with the same contents as the base class', () => {
    for (const name of names) {
      const ours = encoded(name);
      const base = plain(name);
      for (const read of [
        (c: X509Certificate) => c.extBasicConstraints?.isCA,
        (c: X509Certificate) => c.extBasicConstraints?.pathLenConstraint,
        (c: X509Certificate) => c.extKeyUsage?.keyCertSign,
        (c: X509Certificate) => c.extKeyUsage?.digitalSignature,
        (c: X509Certificate) => c.extSubjectKeyID?.keyIdentifier.toString('hex'),
        (c: X509Certificate) => c.extAuthorityKeyID?.keyIdentifier?.toString('hex'),
        (c: X509Certificate) => c.extSubjectAltName?.uri,
        (c: X509Certificate) => c.extSCT?.signedCertificateTimestamps.length,
        (c: X509Certificate) => c.isCA,
      ]) {
        expect(read(ours), `${name}: ${read.toString()}`).toStrictEqual(read(base));
        expect(read(ours), `${name}, read again: ${read.toString()}`).toStrictEqual(read(base));
      }
      expect(ours.extSubjectKeyID).toBe(ours.extSubjectKeyID);
    }
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
