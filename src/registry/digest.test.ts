import { describe, expect, it } from 'vitest';
import { digestToTag, isDigest, requireSha256Digest, sha256Of, verifyDigest } from './digest.js';

const bytes = new TextEncoder().encode('hello');
const helloDigest = 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';

describe('digests', () => {
  it('computes and verifies sha256', () => {
    expect(sha256Of(bytes)).toBe(helloDigest);
    expect(verifyDigest(bytes, helloDigest, 'blob')).toBe(helloDigest);
  });

  it('reports DIGEST_MISMATCH with expected and actual', () => {
    const wanted = `sha256:${'0'.repeat(64)}`;
    expect(() => verifyDigest(bytes, wanted, 'blob x')).toThrow(
      expect.objectContaining({ code: 'DIGEST_MISMATCH', message: expect.stringContaining(helloDigest) }),
    );
  });

  it('requires sha256 to fetch by, naming other algorithms as unsupported', () => {
    expect(requireSha256Digest(helloDigest)).toBe(helloDigest);
    expect(() => requireSha256Digest(`sha512:${'a'.repeat(128)}`)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_DIGEST' }),
    );
    for (const bad of ['sha256:ABC', `sha256:${'A'.repeat(64)}`, 'sha256:', 'nope']) {
      expect(() => requireSha256Digest(bad)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    }
  });

  it('knows the OCI digest grammar and the referrers tag form', () => {
    expect(isDigest('sha512:abc')).toBe(true);
    expect(isDigest('sha256:../x')).toBe(false);
    expect(digestToTag(helloDigest)).toBe(`sha256-${helloDigest.slice(7)}`);
  });
});
