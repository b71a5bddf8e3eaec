import { createHash, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { SignedEntity } from '@sigstore/verify';

type SignatureContent = SignedEntity['signature'];

function bufferEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Digest algorithms a signer may have used with this key. cosign's key loading (LoadPrivateKey /
 * `--signature-digest-algorithm`, default sha256) signs with SHA-256 whatever the curve, while the
 * Sigstore algorithm registry (sigstore-go, cosign v3 bundles, Fulcio P-384 keys) pairs P-384 with
 * SHA-384 and P-521 with SHA-512. Trying both is safe: either way the signature must verify under
 * the signer's key over a hash of these exact bytes.
 */
function digestsFor(key: KeyObject): readonly (string | null)[] {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
    case 'ed448':
      return [null]; // pure EdDSA: no pre-hash (Node refuses a digest name here)
    case 'ec':
      switch (key.asymmetricKeyDetails?.namedCurve) {
        case 'secp384r1':
          return ['sha256', 'sha384'];
        case 'secp521r1':
          return ['sha256', 'sha512'];
        default:
          return ['sha256'];
      }
    default:
      return ['sha256']; // RSA PKCS#1 v1.5, as cosign
  }
}

/** Verifies a raw (non-DSSE) signature over `data` as cosign does; ECDSA signatures are ASN.1 DER. */
export function verifyRawSignature(data: Buffer, key: KeyObject, signature: Buffer): boolean {
  return digestsFor(key).some((algorithm) => {
    try {
      return verify(algorithm, data, key, signature);
    } catch {
      // OpenSSL throws on structurally invalid signatures (bad DER): that is "does not verify".
      return false;
    }
  });
}

/**
 * A cosign legacy signature (the `dev.cosignproject.cosign/signature` annotation) as @sigstore/verify
 * signature content: a message signature over the exact payload bytes. The hashedrekord entry
 * records a digest of the payload; which SHA-2 the signer's client chose does not matter, the entry
 * must name these bytes.
 */
export function legacySignatureContent(payload: Buffer, signature: Buffer): SignatureContent {
  const digests = ['sha256', 'sha384', 'sha512'].map((a) => createHash(a).update(payload).digest());
  const namesPayload = (other: Buffer) => digests.some((d) => bufferEqual(other, d));
  return {
    signature,
    compareSignature: (other) => bufferEqual(other, signature),
    compareDigest: namesPayload,
    compareSignedDigest: namesPayload,
    verifySignature: (key) => verifyRawSignature(payload, key, signature),
  };
}
