import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { legacySignatureContent, verifyRawSignature } from './message-content.js';

const data = Buffer.from('{"critical":{}}');

describe('verifyRawSignature', () => {
  describe('for an ECDSA P-384 key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });

    it('accepts SHA-256, as cosign signs with --key by default', () => {
      expect(verifyRawSignature(data, publicKey, sign('sha256', data, privateKey))).toBe(true);
    });

    it('accepts SHA-384, as the Sigstore algorithm registry pairs it', () => {
      expect(verifyRawSignature(data, publicKey, sign('sha384', data, privateKey))).toBe(true);
    });

    it('rejects other digests', () => {
      expect(verifyRawSignature(data, publicKey, sign('sha1', data, privateKey))).toBe(false);
    });
  });

  it('accepts only SHA-256 for a P-256 key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(verifyRawSignature(data, publicKey, sign('sha256', data, privateKey))).toBe(true);
    expect(verifyRawSignature(data, publicKey, sign('sha384', data, privateKey))).toBe(false);
  });

  it('verifies pure Ed25519 (no pre-hash)', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    expect(verifyRawSignature(data, publicKey, sign(null, data, privateKey))).toBe(true);
    expect(verifyRawSignature(Buffer.from('other'), publicKey, sign(null, data, privateKey))).toBe(false);
  });

  it('verifies RSA PKCS#1 v1.5 with SHA-256', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(verifyRawSignature(data, publicKey, sign('sha256', data, privateKey))).toBe(true);
  });

  it('returns false, not an exception, for a signature that is not DER', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(verifyRawSignature(data, publicKey, Buffer.from('garbage'))).toBe(false);
  });
});

describe('legacySignatureContent', () => {
  const content = legacySignatureContent(data, Buffer.from('sig'));

  it('recognises a log entry digest of these bytes under any SHA-2 size', () => {
    for (const algorithm of ['sha256', 'sha384', 'sha512']) {
      expect(content.compareSignedDigest(createHash(algorithm).update(data).digest())).toBe(true);
    }
  });

  it('rejects a digest of other bytes', () => {
    expect(content.compareDigest(createHash('sha256').update('other').digest())).toBe(false);
  });

  it('compares the signature bytes exactly', () => {
    expect(content.compareSignature(Buffer.from('sig'))).toBe(true);
    expect(content.compareSignature(Buffer.from('sig2'))).toBe(false);
  });
});
