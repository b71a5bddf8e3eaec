import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverAttestationsFrom } from './intoto-attestation-fixture.js';
import { verifyAttestations } from '../../src/attestations/verification/index.js';
import { compilePolicy, loadTrustRoot } from '../../src/verification/index.js';
import { BUNDLE_VERIFY_DIR } from './sigstore-conformance-cases.js';

/**
 * Real public-good in-toto attestations from sigstore-conformance (NOTICE under shared/conformance),
 * verified by the attestation verifier exactly as a bundle referrer found in a registry would be.
 * Their certificates expired long ago: they verify only because the Rekor entry's signed time is
 * used, never the clock. The statement's subject is a file (`a.txt`), so it stands in for the
 * manifest digest here; through the registry the digest is the image's.
 */
const publicGood = loadTrustRoot({ trustedRootPath: undefined });
const SLSA_V1 = 'https://slsa.dev/provenance/v1';
const SUBJECT = 'sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf';
// The conformance suite's signer (its README's default identity and issuer).
const SIGNER =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const POLICY = compilePolicy({
  certificateIdentity: SIGNER,
  certificateOidcIssuer: 'https://token.actions.githubusercontent.com',
});
const bundleOf = (name: string) => readFileSync(join(BUNDLE_VERIFY_DIR, name, 'bundle.sigstore.json'));

describe('sigstore-conformance in-toto attestations', () => {
  it('happy-path-intoto-in-dsse-v3 verifies as SLSA v1 provenance about its subject', async () => {
    const found = discoverAttestationsFrom(bundleOf('happy-path-intoto-in-dsse-v3'), SUBJECT);
    expect(found.attestations[0]?.statement).toMatchObject({ predicateType: SLSA_V1 });
    const v = await verifyAttestations(found, SLSA_V1, POLICY, publicGood);
    expect(v).toMatchObject({ verified: true, status: 'VERIFIED', errors: [] });
    expect(v.attestations[0]?.identity?.subjectAlternativeName).toBe(SIGNER);
  });

  it('the same attestation does not verify for another digest: no matching subject digest', async () => {
    const other = `sha256:${'0'.repeat(64)}`;
    const v = await verifyAttestations(
      discoverAttestationsFrom(bundleOf('happy-path-intoto-in-dsse-v3'), other),
      SLSA_V1,
      POLICY,
      publicGood,
    );
    expect(v).toMatchObject({ verified: false, status: 'FAILED' });
    expect(v.attestations[0]?.errors).toEqual([
      { code: 'DIGEST_MISMATCH', message: 'no matching subject digest found' },
    ]);
  });

  it('is UNSIGNED for another predicate type, naming the one found', async () => {
    const v = await verifyAttestations(
      discoverAttestationsFrom(bundleOf('happy-path-intoto-in-dsse-v3'), SUBJECT),
      'https://spdx.dev/Document',
      POLICY,
      publicGood,
    );
    expect(v.errors).toEqual([
      {
        code: 'PREDICATE_TYPE_MISMATCH',
        message: `none of the attestations matched the predicate type: https://spdx.dev/Document, found: ${SLSA_V1}`,
      },
    ]);
  });

  it.each([
    'intoto-log-entry-mismatch_fail',
    'intoto-expired-certificate_fail',
    'dsse-mismatch-envelope_fail',
  ])('%s never verifies', async (name) => {
    const found = discoverAttestationsFrom(bundleOf(name), SUBJECT);
    const predicateType = found.attestations[0]?.statement?.predicateType ?? SLSA_V1;
    const v = await verifyAttestations(found, predicateType, POLICY, publicGood);
    expect(v.verified).toBe(false);
  });
});
