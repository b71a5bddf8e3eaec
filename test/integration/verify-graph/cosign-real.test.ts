import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR } from '../../support/paths.js';
import { placeManifestInStorage } from '../../support/registry/index.js';
import { startTestService, type TestService } from '../../support/service.js';
import {
  LEGACY_ANNOTATION,
  pushLegacySignatures,
  SIMPLE_SIGNING_MEDIA_TYPE,
  type LegacySignatureArtifact,
} from '../../support/sigstore/index.js';
import { startHarness, verifyOverGraphQL, type VerifyGraphHarness } from './harness.js';

/**
 * Real cosign signatures made in 2023 against the public-good Sigstore (containers/image fixtures,
 * see conformance/cosign-real/containers-image/NOTICE.md), verified through GraphQL by a service
 * with its EMBEDDED public-good trust root — no test trust material involved. The manifests come
 * without their blobs, so they are placed in the registry's storage; the `.sig` artifacts are pushed
 * exactly as cosign lays them out, from the byte-exact split of the upstream signatures.
 */
const FIXTURES = join(CONFORMANCE_DIR, 'cosign-real', 'containers-image');
const KEYLESS = 'dir-img-cosign-fulcio-rekor-valid';
const KEYED_REKOR = 'dir-img-cosign-key-rekor-valid';
const KEYED_NO_REKOR = 'dir-img-cosign-valid';
const SAN = 'mitr@redhat.com';
const ISSUER = 'https://github.com/login/oauth';

const read = (...path: string[]) => readFile(join(FIXTURES, ...path));
const text = async (...path: string[]) => (await read(...path)).toString('utf8');

/** The upstream signature as the layer cosign would have pushed: payload + its annotations. */
async function upstreamSignature(name: string): Promise<LegacySignatureArtifact> {
  const dir = ['extracted', name];
  const payload = await read(...dir, 'payload.json');
  const signature = (await text(...dir, 'signature.b64')).trim();
  const annotations: Record<string, string> = {
    [LEGACY_ANNOTATION.signature]: signature,
    [LEGACY_ANNOTATION.bundle]: (await text(...dir, 'rekor-bundle.json').catch(() => '')).trim(),
  };
  if (annotations[LEGACY_ANNOTATION.bundle] === '') delete annotations[LEGACY_ANNOTATION.bundle];
  const certificate = await text(...dir, 'certificate.pem').catch(() => undefined);
  if (certificate !== undefined) {
    annotations[LEGACY_ANNOTATION.certificate] = certificate;
    annotations[LEGACY_ANNOTATION.chain] = await text(...dir, 'chain.pem');
  }
  expect((await text(...dir, 'mediatype.txt')).trim()).toBe(SIMPLE_SIGNING_MEDIA_TYPE);
  return {
    kind: 'legacy',
    mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
    payload,
    signedPayload: payload,
    signature: Buffer.from(signature, 'base64'),
    annotations,
    tlogEntry: undefined,
  };
}

describe('real public-good cosign signatures, through GraphQL', () => {
  let h: VerifyGraphHarness;
  let publicGood: TestService;
  const digests = new Map<string, string>();
  const ref = (repo: string) => `${h.registry.host}/${repo}@${digests.get(repo)}`;

  /** Serves the case's manifest under `repo` and pushes its upstream signature next to it. */
  async function publish(name: string, repo: string): Promise<void> {
    const manifest = await read('extracted', name, 'manifest.json');
    const digest = await placeManifestInStorage(h.registry.storageRoot, repo, manifest, 'signed');
    digests.set(repo, digest);
    await pushLegacySignatures(h.target, repo, digest, [await upstreamSignature(name)]);
  }

  beforeAll(async () => {
    h = await startHarness(); // its service trusts only the private test Sigstore
    publicGood = await startTestService({ insecureRegistries: [h.registry.host] });
    await publish(KEYLESS, 'cosign-signed/fulcio-rekor-1');
    await publish(KEYED_REKOR, 'cosign-signed/key-1');
    await publish(KEYED_NO_REKOR, 'cosign-signed-single-sample');
  });
  afterAll(async () => {
    await publicGood?.stop();
    await h?.stop();
  });

  describe('when the keyless Fulcio + Rekor signature is checked with the signer identity', () => {
    it('is VERIFIED by the embedded public-good trust root', async () => {
      const repo = 'cosign-signed/fulcio-rekor-1';
      expect(digests.get(repo)).toBe(
        'sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a',
      );
      const v = await verifyOverGraphQL(publicGood, ref(repo), {
        certificateIdentity: SAN,
        certificateOidcIssuer: ISSUER,
      });
      expect(v).toMatchObject({ verified: true, status: 'VERIFIED', errors: [] });
      expect(v.signatures).toHaveLength(1);
      expect(v.signatures[0]).toMatchObject({
        verified: true,
        identity: { subjectAlternativeName: SAN, issuer: ISSUER },
        signature: {
          format: 'SIMPLE_SIGNING',
          dockerReference: '192.168.64.2:5000/cosign-signed/fulcio-rekor-1',
          dockerManifestDigest: digests.get(repo),
        },
      });
    });

    it('is FAILED for another identity, naming the real SAN', async () => {
      const v = await verifyOverGraphQL(publicGood, ref('cosign-signed/fulcio-rekor-1'), {
        certificateIdentity: 'someone-else@redhat.com',
        certificateOidcIssuer: ISSUER,
      });
      expect(v).toMatchObject({ verified: false, status: 'FAILED' });
      expect(v.errors).toContainEqual({
        code: 'IDENTITY_MISMATCH',
        message: `expected SAN value "someone-else@redhat.com", got "${SAN}"`,
      });
      expect(v.signatures[0]?.identity).toMatchObject({ subjectAlternativeName: SAN, issuer: ISSUER });
    });

    it('is not trusted by a service whose trust root is another Sigstore', async () => {
      const v = await verifyOverGraphQL(h.service, ref('cosign-signed/fulcio-rekor-1'), {
        certificateIdentity: SAN,
        certificateOidcIssuer: ISSUER,
      });
      expect(v).toMatchObject({ verified: false, status: 'FAILED' });
      expect(v.signatures[0]?.verified).toBe(false);
      expect(v.signatures[0]?.errors.map((e) => e.code)).toEqual(['CERTIFICATE_UNTRUSTED']);
    });
  });

  describe('when the signature was made with a key and logged in the public-good Rekor', () => {
    it('is VERIFIED with cosign2.pub and the Rekor SET checked', async () => {
      const key = await text('signature', 'fixtures', 'cosign2.pub');
      const v = await verifyOverGraphQL(publicGood, ref('cosign-signed/key-1'), { key });
      expect(v).toMatchObject({ verified: true, status: 'VERIFIED', errors: [] });
      expect(v.signatures[0]?.identity).toBeNull();
    });

    it('is FAILED with another key', async () => {
      const key = await text('signature', 'fixtures', 'cosign.pub');
      const v = await verifyOverGraphQL(publicGood, ref('cosign-signed/key-1'), { key });
      expect(v).toMatchObject({ verified: false, status: 'FAILED' });
      expect(v.signatures[0]?.errors.map((e) => e.code)).toEqual(['INVALID_SIGNATURE']);
    });
  });

  describe('when the key signature was never logged', () => {
    it('needs ignoreTlog, as cosign --insecure-ignore-tlog', async () => {
      const key = await text('signature', 'fixtures', 'cosign.pub');
      const strict = await verifyOverGraphQL(publicGood, ref('cosign-signed-single-sample'), { key });
      expect(strict).toMatchObject({ verified: false, status: 'FAILED' });
      expect(strict.signatures[0]?.errors.map((e) => e.code)).toEqual(['TLOG_MISSING']);
      const waived = await verifyOverGraphQL(publicGood, ref('cosign-signed-single-sample'), {
        key,
        ignoreTlog: true,
      });
      expect(waived).toMatchObject({ verified: true, status: 'VERIFIED' });
    });
  });
});
