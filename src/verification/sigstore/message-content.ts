import { createHash, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { SignedEntity } from '@sigstore/verify';

type SignatureContent = SignedEntity['signature'];

function bufferEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Verifies a raw signature over `data` the way cosign does: ECDSA (ASN.1 DER) and RSA PKCS#1 v1.5
 * over SHA-256 — cosign's default `--signature-digest-algorithm sha256`, for P-384 keys too — and
 * pure Ed25519 (no pre-hash; Node refuses a digest name for Ed25519, which is why we do not use
 * @sigstore/verify's own message-signature check, which always passes one).
 */
export function verifyRawSignature(data: Buffer, key: KeyObject, signature: Buffer): boolean {
  const algorithm =
    key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448' ? null : 'sha256';
  try {
    return verify(algorithm, data, key, signature);
  } catch {
    // OpenSSL throws on structurally invalid signatures (bad DER): that is simply "does not verify".
    return false;
  }
}

/**
 * A cosign legacy signature (the `dev.cosignproject.cosign/signature` annotation) as @sigstore/verify
 * signature content: a message signature over the exact payload bytes, whose hashedrekord entry
 * records sha256(payload).
 */
export function legacySignatureContent(payload: Buffer, signature: Buffer): SignatureContent {
  const digest = createHash('sha256').update(payload).digest();
  return {
    signature,
    compareSignature: (other) => bufferEqual(other, signature),
    compareDigest: (other) => bufferEqual(other, digest),
    compareSignedDigest: (other) => bufferEqual(other, digest),
    verifySignature: (key) => verifyRawSignature(payload, key, signature),
  };
}
