import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, pushImage, type BuiltImage } from '../../support/registry/index.js';
import {
  generateKeyPair,
  inTotoStatement,
  pushBundleReferrer,
  pushLegacyAttestations,
  SLSA_PROVENANCE_V1,
} from '../../support/sigstore/index.js';
import { startHarness, type VerifyGraphHarness } from '../verify-graph/harness.js';
import { attestationsOf, verifyAttestation } from './queries.js';

/**
 * What must never verify, each through GraphQL from the real registry with the code and message the
 * service gives: a statement about another image, of another type, altered after signing, copied
 * from another image, by someone else, not an in-toto statement, or too large to read.
 */
const REPO = 'attest/negative';
const SAN = 'builder@example.com';
const ISSUER = 'https://accounts.example.com';
const POLICY = { certificateIdentity: SAN, certificateOidcIssuer: ISSUER };
const SPDX = 'https://spdx.dev/Document';
const NO_SUBJECT = { code: 'DIGEST_MISMATCH', message: 'no matching subject digest found' };

describe('attestations that must not verify', () => {
  let h: VerifyGraphHarness;
  const ref = (digest: string) => `${h.registry.host}/${REPO}@${digest}`;
  const identity = (san = SAN) => h.sigstore.issueCertificate({ san: { email: san }, issuer: ISSUER });
  const newImage = async (): Promise<BuiltImage> => {
    const image = buildImage({ os: 'linux', architecture: 'amd64' });
    await pushImage(h.target, REPO, image);
    return image;
  };
  const provenance = (digest: string, predicate?: unknown) =>
    inTotoStatement({ subjects: [digest], predicateType: SLSA_PROVENANCE_V1, predicate });

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a bundle whose statement names another image is FAILED: no matching subject digest', async () => {
    const image = await newImage();
    const other = buildImage({ os: 'linux', architecture: 'arm64' });
    const statement = provenance(other.digest);
    await pushBundleReferrer(
      h.target,
      REPO,
      image,
      h.sigstore.signBundle({ imageDigest: image.digest, identity: identity(), statement }),
    );
    const v = await verifyAttestation(h.service, ref(image.digest), POLICY, 'slsaprovenance1');
    expect(v).toMatchObject({ verified: false, status: 'FAILED' });
    expect(v.attestations.map((a) => a.errors)).toEqual([[NO_SUBJECT]]);
    expect(v.errors[0]).toEqual({
      code: 'NO_MATCHING_ATTESTATIONS',
      message: 'no matching attestations: no matching subject digest found',
    });
  });

  it('an attestation of another type is UNSIGNED for the type asked, in cosign’s words', async () => {
    const image = await newImage();
    const statement = inTotoStatement({ subjects: [image.digest], predicateType: SPDX });
    await pushLegacyAttestations(h.target, REPO, image.digest, [
      h.sigstore.signLegacyAttestation({ statement, identity: identity() }),
    ]);
    const v = await verifyAttestation(h.service, ref(image.digest), POLICY, 'slsaprovenance1');
    expect(v).toMatchObject({
      verified: false,
      status: 'UNSIGNED',
      errors: [
        {
          code: 'PREDICATE_TYPE_MISMATCH',
          message: `none of the attestations matched the predicate type: ${SLSA_PROVENANCE_V1}, found: ${SPDX}`,
        },
      ],
      attestations: [],
    });
    expect(await verifyAttestation(h.service, ref(image.digest), POLICY, 'spdxjson')).toMatchObject({
      status: 'VERIFIED',
    });
  });

  it('a statement altered after signing is FAILED: by the log entry, and by the signature itself', async () => {
    const image = await newImage();
    const statement = provenance(image.digest);
    const altered = provenance(image.digest, {
      buildDefinition: { buildType: 'https://evil.example/build' },
    });
    await pushLegacyAttestations(h.target, REPO, image.digest, [
      h.sigstore.signLegacyAttestation({ statement, identity: identity(), payloadOverride: altered }),
    ]);
    const v = await verifyAttestation(h.service, ref(image.digest), POLICY, 'slsaprovenance1');
    expect(v).toMatchObject({ verified: false, status: 'FAILED' });
    // The Rekor entry records the hash of the statement that was signed, not of this one.
    expect(v.attestations[0]?.errors.map((e) => e.code)).toEqual(['TLOG_MISMATCH']);

    const timestamped = await newImage();
    await pushLegacyAttestations(h.target, REPO, timestamped.digest, [
      h.sigstore.signLegacyAttestation({
        statement: provenance(timestamped.digest),
        identity: identity(),
        payloadOverride: provenance(timestamped.digest, { altered: true }),
        tlog: 'none',
        rfc3161: 'main',
      }),
    ]);
    const w = await verifyAttestation(
      h.service,
      ref(timestamped.digest),
      { ...POLICY, ignoreTlog: true },
      'slsaprovenance1',
    );
    expect(w).toMatchObject({ verified: false, status: 'FAILED' });
    expect(w.attestations[0]?.errors.map((e) => e.code)).toEqual(['INVALID_SIGNATURE']);
  });

  it('an attestation copied from another image is FAILED: its subject is the other image', async () => {
    const original = await newImage();
    const target = await newImage();
    const att = h.sigstore.signLegacyAttestation({
      statement: provenance(original.digest),
      identity: identity(),
    });
    await pushLegacyAttestations(h.target, REPO, original.digest, [att]);
    await pushLegacyAttestations(h.target, REPO, target.digest, [att]);
    expect(await verifyAttestation(h.service, ref(original.digest), POLICY, 'slsaprovenance1')).toMatchObject(
      {
        status: 'VERIFIED',
      },
    );
    const v = await verifyAttestation(h.service, ref(target.digest), POLICY, 'slsaprovenance1');
    expect(v).toMatchObject({ verified: false, status: 'FAILED' });
    expect(v.attestations.map((a) => a.errors)).toEqual([[NO_SUBJECT]]);
  });

  it('an attestation by another identity is FAILED with cosign’s identity message', async () => {
    const image = await newImage();
    await pushLegacyAttestations(h.target, REPO, image.digest, [
      h.sigstore.signLegacyAttestation({
        statement: provenance(image.digest),
        identity: identity('intruder@example.com'),
      }),
    ]);
    const v = await verifyAttestation(h.service, ref(image.digest), POLICY, 'slsaprovenance1');
    expect(v).toMatchObject({ verified: false, status: 'FAILED' });
    expect(v.attestations[0]?.errors.map((e) => e.code)).toEqual(['IDENTITY_MISMATCH']);
    expect(v.attestations[0]?.identity).toMatchObject({ subjectAlternativeName: 'intruder@example.com' });
  });

  it('a legacy envelope that is not an in-toto statement is refused in cosign’s words', async () => {
    const image = await newImage();
    await pushLegacyAttestations(h.target, REPO, image.digest, [
      h.sigstore.signLegacyAttestation({
        statement: provenance(image.digest),
        identity: identity(),
        payloadType: 'text/plain',
      }),
    ]);
    const v = await verifyAttestation(h.service, ref(image.digest), POLICY, 'slsaprovenance1');
    expect(v).toMatchObject({ verified: false, status: 'FAILED' });
    expect(v.attestations[0]?.errors).toEqual([
      {
        code: 'MALFORMED_SIGNATURE',
        message: 'invalid payloadType text/plain on envelope. Expected application/vnd.in-toto+json',
      },
    ]);
  });

  it('a key-based legacy attestation verifies under the key, and not keyless', async () => {
    const image = await newImage();
    const key = generateKeyPair('ecdsa-p256');
    await pushLegacyAttestations(h.target, REPO, image.digest, [
      h.sigstore.signLegacyAttestation({ statement: provenance(image.digest), key }),
    ]);
    const byKey = await verifyAttestation(
      h.service,
      ref(image.digest),
      { key: key.publicKeyPem },
      'slsaprovenance1',
    );
    expect(byKey).toMatchObject({ verified: true, status: 'VERIFIED' });
    const keyless = await verifyAttestation(h.service, ref(image.digest), POLICY, 'slsaprovenance1');
    expect(keyless).toMatchObject({ verified: false, status: 'FAILED' });
  });

  it('an oversize predicate is refused before it is read, and a large one is shown without JSON', async () => {
    const image = await newImage();
    const huge = provenance(image.digest, { padding: 'x'.repeat(1024 * 1024 + 1) });
    const large = provenance(image.digest, { padding: 'y'.repeat(300 * 1024) });
    await pushLegacyAttestations(h.target, REPO, image.digest, [
      h.sigstore.signLegacyAttestation({ statement: huge, identity: identity() }),
      h.sigstore.signLegacyAttestation({ statement: large, identity: identity() }),
    ]);
    // An operator who keeps attestations to 1 MiB (IMPRIMATUR_MAX_ATTESTATION_BYTES).
    const strict = await h.startService({ maxAttestationBytes: 1024 * 1024 });
    const listed = await attestationsOf(strict, ref(image.digest));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ statement: null, predicateType: SLSA_PROVENANCE_V1 });
    expect(listed[0]?.statementSize).toBe(large.length);
    const v = await verifyAttestation(strict, ref(image.digest), POLICY, 'slsaprovenance1');
    // The readable one verifies; the oversize one is a visible failed entry, never silently skipped.
    expect(v).toMatchObject({ verified: true, status: 'VERIFIED' });
    expect(v.attestations.flatMap((a) => a.errors)).toEqual([
      {
        code: 'PAYLOAD_TOO_LARGE',
        message: expect.stringMatching(
          /^attestation blob sha256:[0-9a-f]{64} is \d+ bytes, more than the 1048576 allowed \(sha256:[0-9a-f]{64}\)$/,
        ),
      },
    ]);
    // Under the default cap (16 MiB) both are read: the signature cap (1 MiB) no longer applies to them.
    const both = await verifyAttestation(h.service, ref(image.digest), POLICY, 'slsaprovenance1');
    expect(both.attestations.map((a) => a.verified)).toEqual([true, true]);
  });
});
