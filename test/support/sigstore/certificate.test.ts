import { X509Certificate as PeculiarCertificate } from '@peculiar/x509';
import { X509Certificate, createPublicKey, verify } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createTestSigstore,
  FULCIO_OID,
  generateKeyPair,
  LEGACY_ANNOTATION,
  TRUSTED_ROOT_MEDIA_TYPE,
  type KeyAlgorithm,
  type TestSigstore,
} from './index.js';

const GITHUB = {
  workflowTrigger: 'push',
  workflowSha: 'a'.repeat(40),
  workflowName: 'release',
  workflowRepository: 'acme/app',
  workflowRef: 'refs/tags/v1.2.3',
};
const ISSUER = 'https://token.actions.githubusercontent.com';

/** Reads one extension's extnValue with an independent parser (@peculiar/x509), not our own. */
function extensionValue(pem: string, oid: string): Buffer | undefined {
  const ext = new PeculiarCertificate(pem).getExtension(oid);
  return ext === null ? undefined : Buffer.from(ext.value);
}

describe('certificates issued by the test Fulcio', () => {
  let sigstore: TestSigstore;
  beforeAll(() => {
    sigstore = createTestSigstore();
  });

  it('write the issuer raw in v1 and as a DER UTF8String in v2', () => {
    const cert = sigstore.issueCertificate({ san: { email: 'dev@example.com' }, issuer: ISSUER });
    expect(extensionValue(cert.certificatePem, FULCIO_OID.issuerV1)?.toString()).toBe(ISSUER);
    const v2 = extensionValue(cert.certificatePem, FULCIO_OID.issuerV2);
    expect(v2?.[0]).toBe(0x0c); // UTF8String tag
    expect(v2?.subarray(2).toString()).toBe(ISSUER);
    expect(new X509Certificate(cert.certificatePem).subjectAltName).toBe('email:dev@example.com');
  });

  it('write each GitHub workflow claim raw under its v1 OID', () => {
    const cert = sigstore.issueCertificate({
      san: { uri: 'https://github.com/acme/app' },
      issuer: ISSUER,
      github: GITHUB,
    });
    const read = (oid: string) => extensionValue(cert.certificatePem, oid)?.toString();
    expect(read(FULCIO_OID.githubWorkflowTrigger)).toBe(GITHUB.workflowTrigger);
    expect(read(FULCIO_OID.githubWorkflowSha)).toBe(GITHUB.workflowSha);
    expect(read(FULCIO_OID.githubWorkflowName)).toBe(GITHUB.workflowName);
    expect(read(FULCIO_OID.githubWorkflowRepository)).toBe(GITHUB.workflowRepository);
    expect(read(FULCIO_OID.githubWorkflowRef)).toBe(GITHUB.workflowRef);
  });

  it('can omit either issuer extension', () => {
    const v1 = sigstore.issueCertificate({
      san: { uri: 'https://x' },
      issuer: ISSUER,
      issuerExtensions: 'v1',
    });
    expect(extensionValue(v1.certificatePem, FULCIO_OID.issuerV2)).toBeUndefined();
    const v2 = sigstore.issueCertificate({
      san: { uri: 'https://x' },
      issuer: ISSUER,
      issuerExtensions: 'v2',
    });
    expect(extensionValue(v2.certificatePem, FULCIO_OID.issuerV1)).toBeUndefined();
  });

  it('are valid for ten minutes by default, from the requested start', () => {
    const notBefore = new Date('2026-01-01T12:00:00Z');
    const cert = sigstore.issueCertificate({ san: { uri: 'https://x' }, issuer: ISSUER, notBefore });
    const parsed = new X509Certificate(cert.certificatePem);
    expect(new Date(parsed.validFrom).toISOString()).toBe(notBefore.toISOString());
    expect(new Date(parsed.validTo).getTime() - notBefore.getTime()).toBe(10 * 60_000);
  });

  it('chain to the root through the intermediate given in chainPem', () => {
    const cert = sigstore.issueCertificate({ san: { uri: 'https://x' }, issuer: ISSUER });
    const [intermediate, root] = cert.chainPem
      .split(/(?<=-----END CERTIFICATE-----\n)/)
      .map((p) => new X509Certificate(p));
    expect(new X509Certificate(cert.certificatePem).verify(intermediate!.publicKey)).toBe(true);
    expect(intermediate!.verify(root!.publicKey)).toBe(true);
    expect(root!.ca).toBe(true);
  });
});

describe('key-based legacy signatures', () => {
  let sigstore: TestSigstore;
  beforeAll(() => {
    sigstore = createTestSigstore();
  });

  it.each<KeyAlgorithm>(['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa'])(
    'verify with the %s public key PEM',
    (algorithm) => {
      const key = generateKeyPair(algorithm);
      const artifact = sigstore.signLegacy({
        imageDigest: `sha256:${'0'.repeat(64)}`,
        dockerReference: 'r/x',
        key,
      });
      const signature = Buffer.from(artifact.annotations[LEGACY_ANNOTATION.signature] ?? '', 'base64');
      const publicKey = createPublicKey(key.publicKeyPem);
      expect(verify(key.hash ?? null, artifact.payload, publicKey, signature)).toBe(true);
      expect(verify(key.hash ?? null, Buffer.from('other'), publicKey, signature)).toBe(false);
    },
  );
});

describe('the trusted root', () => {
  it('is written to trusted_root.json with our CA chain, log and CT log', async () => {
    const sigstore = createTestSigstore();
    const dir = await mkdtemp(join(tmpdir(), 'imprimatur-trust-'));
    try {
      const path = await sigstore.writeTrustedRoot(dir);
      const root = JSON.parse(await readFile(path, 'utf8')) as typeof sigstore.trustedRoot;
      expect(root.mediaType).toBe(TRUSTED_ROOT_MEDIA_TYPE);
      expect(root.tlogs.map((t) => t.logId.keyId)).toEqual([sigstore.rekor.logId.toString('base64')]);
      expect(root.ctlogs.map((t) => t.logId.keyId)).toEqual([sigstore.ctLog.logId.toString('base64')]);
      expect(root.certificateAuthorities[0]?.certChain.certificates).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
