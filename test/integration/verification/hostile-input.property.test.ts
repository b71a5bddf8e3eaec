import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LegacySignature } from '../../../src/discovery/types.js';
import { verifyDigest, type TrustRoot } from '../../../src/verification/index.js';
import type { TestSigstore } from '../../support/sigstore/index.js';
import { legacyDiscovered, servedBundleDiscovered } from './discovered.js';
import { createSigstoreWorld, DIGEST, IDENTITY, ISSUER, POLICY } from './world.js';

/**
 * Property: whatever a registry serves, verifyDigest returns (never throws), never verifies a
 * signature it could not check, and gives every failed entry a code. Inputs are a genuine signature
 * with one or more fields replaced by arbitrary values, and arbitrary JSON as a bundle.
 */
let sigstore: TestSigstore;
let trustRoot: TrustRoot;
let genuine: LegacySignature;

beforeAll(() => {
  ({ sigstore, trustRoot } = createSigstoreWorld());
  const identity = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER });
  genuine = legacyDiscovered(
    sigstore.signLegacy({ imageDigest: DIGEST, dockerReference: 'r/app', identity }),
    DIGEST,
  );
});

const text = fc.oneof(fc.string(), fc.base64String(), fc.constant(''));
const mutation: fc.Arbitrary<(s: LegacySignature) => LegacySignature> = fc.oneof(
  text.map((signature) => (s: LegacySignature) => ({ ...s, signature })),
  text.map((pem) => (s: LegacySignature) => ({
    ...s,
    certificatePem: `-----BEGIN CERTIFICATE-----\n${pem}\n-----END CERTIFICATE-----\n`,
  })),
  fc.uint8Array({ maxLength: 256 }).map((payload) => (s: LegacySignature) => ({ ...s, payload })),
  fc
    .uint8Array({ maxLength: 256 })
    .map((token) => (s: LegacySignature) => ({ ...s, rfc3161Timestamp: token })),
  fc
    .record({
      body: text,
      signedEntryTimestamp: text,
      logId: text,
      integratedTime: fc.integer(),
      logIndex: fc.integer(),
    })
    .map((rekorBundle) => (s: LegacySignature) => ({ ...s, rekorBundle })),
);

describe('verifyDigest on hostile input', () => {
  it('never throws and never verifies a mangled legacy signature', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const mangled = mutations.reduce((s, m) => m(s), genuine);
        const result = verifyDigest(
          { subjectDigest: DIGEST, signatures: [mangled], problems: [] },
          POLICY,
          trustRoot,
        );
        expect(result.signatures).toHaveLength(1);
        for (const s of result.signatures) {
          if (!s.verified) expect(s.errors.length).toBeGreaterThan(0);
          for (const e of s.errors) expect(e.code).toMatch(/^[A-Z_]+$/);
        }
        // A mangled signature may only verify if the mutation happened to change nothing that matters.
        if (result.verified) {
          expect(mangled.signature).toBe(genuine.signature);
          expect(Buffer.from(mangled.payload).equals(Buffer.from(genuine.payload))).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('never throws on arbitrary JSON as a bundle, and fails it with a code', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (bundle) => {
        const sig = servedBundleDiscovered(bundle, DIGEST);
        const result = verifyDigest(
          { subjectDigest: DIGEST, signatures: [sig], problems: [] },
          POLICY,
          trustRoot,
        );
        expect(result.status).toBe('FAILED');
        expect(result.signatures[0]?.errors[0]?.code).toMatch(/^[A-Z_]+$/);
      }),
      { numRuns: 150 },
    );
  });
});
