import { describe, expect, it } from 'vitest';
import { loadTrustRoot, verifyDigest, type Policy } from '../../src/verification/index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFORMANCE_DIR } from '../support/paths.js';
import type { LegacySignature } from '../../src/discovery/types.js';
import { fixtureDiscovery, publicKey } from './cosign-real-fixtures.js';

/**
 * Real cosign legacy signatures (containers/image fixtures), verified offline with the EMBEDDED
 * public-good root: production Fulcio chain, CT log SCT, Rekor SET, integrated time within the
 * 10-minute certificate — the exact path a `sha256-<hex>.sig` signature takes in the service.
 */
const trustRoot = loadTrustRoot({ trustedRootPath: undefined });
const KEYLESS: Policy = {
  certificateIdentity: 'mitr@redhat.com',
  certificateOidcIssuer: 'https://github.com/login/oauth',
};

describe('a real keyless cosign signature (Fulcio + Rekor, public-good)', () => {
  const discovery = fixtureDiscovery('dir-img-cosign-fulcio-rekor-valid');

  it('verifies for its manifest digest with the signer identity', () => {
    const result = verifyDigest(discovery, KEYLESS, trustRoot);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('VERIFIED');
    expect(result.verified).toBe(true);
    expect(result.digest).toBe('sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a');
    expect(result.signatures).toHaveLength(1);
    expect(result.signatures[0]?.identity?.subjectAlternativeName).toBe('mitr@redhat.com');
    expect(result.signatures[0]?.identity?.issuer).toBe('https://github.com/login/oauth');
  });

  it('also verifies with an anchored identity regexp', () => {
    const policy = {
      certificateIdentityRegexp: '^mitr@redhat\\.com$',
      certificateOidcIssuer: KEYLESS.certificateOidcIssuer,
    };
    expect(verifyDigest(discovery, policy, trustRoot).status).toBe('VERIFIED');
  });

  describe('when the policy names someone else', () => {
    const result = verifyDigest(
      discovery,
      { ...KEYLESS, certificateIdentity: 'someone@example.com' },
      trustRoot,
    );

    it('fails with cosign wording and still reports who did sign', () => {
      expect(result.status).toBe('FAILED');
      expect(result.signatures[0]?.errors).toEqual([
        {
          code: 'IDENTITY_MISMATCH',
          message: 'expected SAN value "someone@example.com", got "mitr@redhat.com"',
        },
      ]);
      expect(result.signatures[0]?.identity?.subjectAlternativeName).toBe('mitr@redhat.com');
      expect(result.errors[0]).toEqual({
        code: 'NO_MATCHING_SIGNATURES',
        message: 'no matching signatures: expected SAN value "someone@example.com", got "mitr@redhat.com"',
      });
    });
  });

  it('does not count for another digest (DIGEST_MISMATCH)', () => {
    const other = 'sha256:' + '1'.repeat(64);
    const result = verifyDigest({ ...discovery, subjectDigest: other }, KEYLESS, trustRoot);
    expect(result.status).toBe('FAILED');
    expect(result.signatures[0]?.errors.map((e) => e.code)).toEqual(['DIGEST_MISMATCH']);
  });

  it('rejects a payload changed after signing', () => {
    const [sig] = discovery.signatures;
    if (sig?.kind !== 'legacy-tag') throw new Error('fixture must be a legacy signature');
    const payload = Buffer.from(sig.payload);
    payload.writeUInt8((payload.at(-2) ?? 0) ^ 1, payload.length - 2);
    const result = verifyDigest({ ...discovery, signatures: [{ ...sig, payload }] }, KEYLESS, trustRoot);
    expect(result.verified).toBe(false);
    expect(result.signatures[0]?.errors[0]?.code).toMatch(/^(TLOG_MISMATCH|INVALID_SIGNATURE)$/);
  });

  it('rejects the signature under a root that does not hold the production Fulcio CA', () => {
    const material = { ...trustRoot.material, certificateAuthorities: [] };
    const result = verifyDigest(discovery, KEYLESS, { ...trustRoot, material });
    expect(result.signatures[0]?.errors[0]?.code).toBe('CERTIFICATE_UNTRUSTED');
  });
});

describe('a real key-based cosign signature with a Rekor entry', () => {
  const discovery = fixtureDiscovery('dir-img-cosign-key-rekor-valid');

  it('verifies with cosign2.pub, checking the SET against production Rekor', () => {
    const result = verifyDigest(discovery, { key: publicKey('cosign2.pub') }, trustRoot);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('VERIFIED');
    expect(result.signatures[0]?.identity).toBeUndefined();
  });

  it('fails with another key', () => {
    const result = verifyDigest(discovery, { key: publicKey('cosign.pub') }, trustRoot);
    expect(result.status).toBe('FAILED');
  });
});

describe('a real key-based cosign signature without Rekor', () => {
  const discovery = fixtureDiscovery('dir-img-cosign-valid');

  it('needs the tlog waived, like cosign --insecure-ignore-tlog', () => {
    const result = verifyDigest(discovery, { key: publicKey('cosign.pub') }, trustRoot);
    expect(result.signatures[0]?.errors.map((e) => e.code)).toEqual(['TLOG_MISSING']);
  });

  it('verifies with cosign.pub and ignoreTlog', () => {
    const result = verifyDigest(discovery, { key: publicKey('cosign.pub'), ignoreTlog: true }, trustRoot);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('VERIFIED');
  });

  it('does not verify a manifest that was modified after signing', () => {
    const result = verifyDigest(
      fixtureDiscovery('dir-img-cosign-modified-manifest'),
      { key: publicKey('cosign.pub'), ignoreTlog: true },
      trustRoot,
    );
    expect(result.status).toBe('FAILED');
    expect(result.signatures[0]?.errors.map((e) => e.code)).toEqual(['DIGEST_MISMATCH']);
  });

  it('reports each of mixed signatures: one unknown key, one valid', () => {
    const result = verifyDigest(
      fixtureDiscovery('dir-img-cosign-mixed'),
      { key: publicKey('cosign.pub'), ignoreTlog: true },
      trustRoot,
    );
    expect(result.status).toBe('VERIFIED');
    expect(result.signatures.map((s) => s.verified)).toEqual([false, true]);
    expect(result.signatures[0]?.errors.map((e) => e.code)).toEqual(['INVALID_SIGNATURE']);
  });
});

describe('a standalone real keyless signature from 2022 (containers/image internal/testdata)', () => {
  const dir = join(CONFORMANCE_DIR, 'cosign-real/containers-image/signature/internal/testdata');
  const payload = readFileSync(`${dir}/rekor-payload`);
  const set = JSON.parse(readFileSync(`${dir}/rekor-set`, 'utf8')) as {
    SignedEntryTimestamp: string;
    Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
  };
  const subjectDigest = 'sha256:fa93b01658e3a5a1686dc3ae55f170d8de487006fb53a28efcd12ab0710a2e5f';
  const signature: LegacySignature = {
    kind: 'legacy-tag',
    subjectDigest,
    manifestDigest: 'sha256:' + '0'.repeat(64),
    layerDigest: 'sha256:' + '0'.repeat(64),
    payload,
    signature: readFileSync(`${dir}/rekor-sig`, 'utf8').trim(),
    certificatePem: readFileSync(`${dir}/rekor-cert`, 'utf8'),
    chainPem: undefined,
    rekorBundle: {
      signedEntryTimestamp: set.SignedEntryTimestamp,
      body: set.Payload.body,
      integratedTime: set.Payload.integratedTime,
      logIndex: set.Payload.logIndex,
      logId: set.Payload.logID,
    },
    rfc3161Timestamp: undefined,
    claims: {
      dockerManifestDigest: subjectDigest,
      dockerReference: undefined,
      type: undefined,
      optional: {},
    },
    annotations: {},
  };

  it('verifies against the embedded root (Fulcio, SCT, production Rekor SET)', () => {
    const result = verifyDigest({ subjectDigest, signatures: [signature], problems: [] }, KEYLESS, trustRoot);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('VERIFIED');
  });

  it('fails when the SET is swapped for the one of another entry', () => {
    const other = fixtureDiscovery('dir-img-cosign-fulcio-rekor-valid').signatures[0];
    if (other?.kind !== 'legacy-tag' || other.rekorBundle === undefined)
      throw new Error('fixture must have a Rekor bundle');
    const swapped = { ...signature, rekorBundle: other.rekorBundle };
    const result = verifyDigest({ subjectDigest, signatures: [swapped], problems: [] }, KEYLESS, trustRoot);
    expect(result.status).toBe('FAILED');
    // The borrowed entry's time (2023) lies outside this 2022 certificate's 10 minutes, which is
    // checked before the entry body; either way the borrowed entry cannot vouch for this signature.
    expect(result.signatures[0]?.errors[0]?.code).toBe('CERTIFICATE_EXPIRED');
  });
});
