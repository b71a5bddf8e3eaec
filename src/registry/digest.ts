import { createHash } from 'node:crypto';
import { RegistryError } from './errors.js';

/** A syntactically valid OCI digest (`algorithm:encoded`), per the image-spec descriptor grammar. */
const DIGEST_PATTERN = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256_PATTERN = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: string): boolean {
  return DIGEST_PATTERN.test(value);
}

export function isSha256Digest(value: string): boolean {
  return SHA256_PATTERN.test(value);
}

/**
 * Checks a digest we are asked to fetch by. Only sha256 is accepted: it is the only algorithm every
 * registry supports, and accepting an algorithm we cannot recompute would mean trusting the registry.
 */
export function requireSha256Digest(value: string): string {
  if (isSha256Digest(value)) return value;
  const algorithm = value.split(':', 1)[0] ?? '';
  if (isDigest(value) && algorithm !== 'sha256') {
    throw new RegistryError(
      'UNSUPPORTED_DIGEST',
      `digest algorithm "${algorithm}" is not supported (only sha256)`,
    );
  }
  throw new RegistryError('INVALID_REQUEST', `"${value.slice(0, 100)}" is not a valid sha256 digest`);
}

export function sha256Of(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Recomputes the digest of `bytes` and refuses anything but an exact match with `expected`. */
export function verifyDigest(bytes: Uint8Array, expected: string, what: string): string {
  const actual = sha256Of(bytes);
  if (actual !== expected) {
    throw new RegistryError('DIGEST_MISMATCH', `${what}: expected ${expected}, content hashes to ${actual}`);
  }
  return actual;
}

/** `sha256:<hex>` → `sha256-<hex>`, the tag name of the referrers fallback (and of cosign's tags). */
export function digestToTag(digest: string): string {
  return digest.replace(':', '-');
}
