import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/**
 * Signing keys for the test Sigstore instance and for cosign `--key` style signatures. All real
 * node:crypto keys; nothing is faked, so a verifier that accepts a forged signature fails its tests.
 */
export type KeyAlgorithm = 'ecdsa-p256' | 'ecdsa-p384' | 'ed25519' | 'rsa';

export interface TestKeyPair {
  readonly algorithm: KeyAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** SubjectPublicKeyInfo DER: what X.509 certificates, trusted roots and log IDs are built from. */
  readonly spkiDer: Buffer;
  /** `-----BEGIN PUBLIC KEY-----` PEM, the form cosign `--key` files and Rekor entries carry. */
  readonly publicKeyPem: string;
  /**
   * The digest the key signs with (`undefined` for Ed25519, which hashes internally). Follows
   * sigstore-go's defaults: SHA-384 for P-384, SHA-256 otherwise.
   */
  readonly hash: 'sha256' | 'sha384' | undefined;
}

function defaultHash(algorithm: KeyAlgorithm): TestKeyPair['hash'] {
  switch (algorithm) {
    case 'ecdsa-p256':
    case 'rsa':
      return 'sha256';
    case 'ecdsa-p384':
      return 'sha384';
    case 'ed25519':
      return undefined;
  }
}

function generate(algorithm: KeyAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (algorithm) {
    case 'ecdsa-p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'ecdsa-p384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
    case 'rsa':
      // 2048 bits: the smallest size sigstore accepts, and the fastest to generate in tests.
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
  }
}

/**
 * `hash` overrides the digest, e.g. SHA-256 for a P-384 key as cosign before v2.4 signed. Ed25519 is
 * always pure Ed25519 (node:crypto has no Ed25519ph, which newer cosign uses for hashedrekord).
 */
export function generateKeyPair(
  algorithm: KeyAlgorithm = 'ecdsa-p256',
  options: { readonly hash?: 'sha256' | 'sha384' } = {},
): TestKeyPair {
  const { privateKey, publicKey } = generate(algorithm);
  return {
    algorithm,
    privateKey,
    publicKey,
    spkiDer: publicKey.export({ format: 'der', type: 'spki' }),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    hash: algorithm === 'ed25519' ? undefined : (options.hash ?? defaultHash(algorithm)),
  };
}

/** Signs `data` the way the key's owner would: ECDSA signatures are ASN.1 DER, as sigstore uses them. */
export function signWith(key: TestKeyPair, data: Uint8Array): Buffer {
  return sign(key.hash ?? null, data, key.privateKey);
}

/** The key pair behind a private key (used when a caller hands us just a KeyObject). */
export function publicKeyOf(privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey);
}

export function sha256(...parts: (Uint8Array | string)[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** A transparency or CT log's ID: SHA-256 of its DER SubjectPublicKeyInfo (RFC 6962 §3.2, Rekor). */
export function logIdOf(key: TestKeyPair): Buffer {
  return sha256(key.spkiDer);
}

export function toPem(der: Uint8Array, label: 'CERTIFICATE' | 'PUBLIC KEY'): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
