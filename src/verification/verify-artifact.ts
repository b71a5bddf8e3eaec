import { createHash } from 'node:crypto';
import { compilePolicy } from './policy/index.js';
import { bundleEntity, bundleClaims } from './sigstore/index.js';
import type { TrustRoot } from './trust/index.js';
import type { Policy } from './types.js';
import { runSignatureCheck, type SignatureOutcome } from './verify-signature.js';

/**
 * Verifies a Sigstore bundle over a plain artifact (for a DSSE bundle: the in-toto subject) through
 * the same code path the service uses for bundles found in registries: same crypto, same gap checks,
 * same policy. Used by the sigstore-conformance suite; also what a blob endpoint would call.
 */
export function verifyBundleArtifact(
  bundleJson: unknown,
  artifact: Buffer,
  policy: Policy,
  trustRoot: TrustRoot,
): SignatureOutcome {
  const compiled = compilePolicy(policy);
  const subjectDigest = `sha256:${createHash('sha256').update(artifact).digest('hex')}`;
  return runSignatureCheck(
    {
      prepare: () => bundleEntity(bundleJson, artifact),
      claims: (prepared) => bundleClaims(bundleJson, prepared.entity, artifact),
      subjectDigest,
      discovered: undefined,
      certificatePem: undefined,
    },
    compiled,
    trustRoot,
  );
}
