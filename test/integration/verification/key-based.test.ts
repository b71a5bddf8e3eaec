import { beforeAll, describe, expect, it } from 'vitest';
import { verifyDigest, type TrustRoot } from '../../../src/verification/index.js';
import { generateKeyPair, type KeyAlgorithm, type TestSigstore } from '../../support/sigstore/index.js';
import { discovered } from './discovered.js';
import { createSigstoreWorld, DIGEST, REFERENCE } from './world.js';

let sigstore: TestSigstore;
let trustRoot: TrustRoot;

beforeAll(() => {
  ({ sigstore, trustRoot } = createSigstoreWorld());
});

const ALGORITHMS: KeyAlgorithm[] = ['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa'];

describe.each(ALGORITHMS)('a key-based (cosign --key) legacy signature with a %s key', (algorithm) => {
  it('verifies with the public key, checking the SET', () => {
    const key = generateKeyPair(algorithm);
    const artifact = sigstore.signLegacy({ imageDigest: DIGEST, dockerReference: REFERENCE, key });
    const result = verifyDigest(discovered(DIGEST, [artifact]), { key: key.publicKeyPem }, trustRoot);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('VERIFIED');
    expect(result.signatures[0]?.identity).toBeUndefined();
  });

  it('verifies without a log entry only when the tlog is waived', () => {
    const key = generateKeyPair(algorithm);
    const artifact = sigstore.signLegacy({
      imageDigest: DIGEST,
      dockerReference: REFERENCE,
      key,
      tlog: 'none',
    });
    const discovery = discovered(DIGEST, [artifact]);
    expect(verifyDigest(discovery, { key: key.publicKeyPem }, trustRoot).signatures[0]?.errors[0]?.code).toBe(
      'TLOG_MISSING',
    );
    expect(verifyDigest(discovery, { key: key.publicKeyPem, ignoreTlog: true }, trustRoot).status).toBe(
      'VERIFIED',
    );
  });

  it('fails with another key of the same type', () => {
    const artifact = sigstore.signLegacy({
      imageDigest: DIGEST,
      dockerReference: REFERENCE,
      key: generateKeyPair(algorithm),
    });
    const result = verifyDigest(
      discovered(DIGEST, [artifact]),
      { key: generateKeyPair(algorithm).publicKeyPem, ignoreTlog: true },
      trustRoot,
    );
    expect(result.status).toBe('FAILED');
    expect(result.signatures[0]?.errors.map((e) => e.code)).toEqual(['INVALID_SIGNATURE']);
  });
});

describe('a key-based signature paired with the log entry of another key', () => {
  it('is a TLOG_MISMATCH', () => {
    // Key A's signature paired with the log entry made for key B's signature of the same payload:
    // the entry names neither this signature nor this key, so it cannot vouch for it.
    const keyA = generateKeyPair('ecdsa-p256');
    const keyB = generateKeyPair('ecdsa-p256');
    const a = sigstore.signLegacy({ imageDigest: DIGEST, dockerReference: REFERENCE, key: keyA });
    const b = sigstore.signLegacy({ imageDigest: DIGEST, dockerReference: REFERENCE, key: keyB });
    const mixed = {
      ...a,
      annotations: {
        ...a.annotations,
        'dev.sigstore.cosign/bundle': b.annotations['dev.sigstore.cosign/bundle'] ?? '',
      },
    };
    const result = verifyDigest(discovered(DIGEST, [mixed]), { key: keyA.publicKeyPem }, trustRoot);
    expect(result.status).toBe('FAILED');
    expect(result.signatures[0]?.errors[0]?.code).toMatch(/^TLOG_MISMATCH$/);
  });
});

describe('a key-based signature logged in a log the root does not trust', () => {
  it('fails with the tlog required, and verifies with it waived, as cosign --insecure-ignore-tlog', () => {
    const key = generateKeyPair('ecdsa-p256');
    const artifact = sigstore.signLegacy({
      imageDigest: DIGEST,
      dockerReference: REFERENCE,
      key,
      log: 'other',
    });
    const discovery = discovered(DIGEST, [artifact]);
    expect(verifyDigest(discovery, { key: key.publicKeyPem }, trustRoot).signatures[0]?.errors[0]?.code).toBe(
      'TLOG_INVALID',
    );
    expect(verifyDigest(discovery, { key: key.publicKeyPem, ignoreTlog: true }, trustRoot).status).toBe(
      'VERIFIED',
    );
  });
});

describe('a keyless signature checked with a key policy', () => {
  it('does not verify', () => {
    const identity = sigstore.issueCertificate({
      san: { email: 'a@example.com' },
      issuer: 'https://accounts.google.com',
    });
    const artifact = sigstore.signLegacy({ imageDigest: DIGEST, dockerReference: REFERENCE, identity });
    const result = verifyDigest(
      discovered(DIGEST, [artifact]),
      { key: generateKeyPair('ecdsa-p256').publicKeyPem },
      trustRoot,
    );
    expect(result.status).toBe('FAILED');
  });
});
