import { createPublicKey, type KeyObject } from 'node:crypto';
import { PolicyError } from '../errors.js';
import type { Policy } from '../types.js';
import { compileProvenance, namesSignerTheGhWay, type CompiledProvenance } from './compile-provenance.js';
import { checkPolicyLimits } from './policy-limits.js';
import { compilePolicyRegexp, type PolicyRegexp } from './regexp.js';
import { checkTrustRootNames } from './trust-root-names.js';

/** A validated policy with its regexps compiled and its key decoded, ready for pure evaluation. */
export interface CompiledPolicy {
  readonly policy: Policy;
  readonly identityRegexp: PolicyRegexp | undefined;
  readonly issuerRegexp: PolicyRegexp | undefined;
  /** Present for key-based verification. */
  readonly key: KeyObject | undefined;
  /** Conditions on Fulcio's provenance claims and the `gh attestation verify` flags. */
  readonly provenance: CompiledProvenance;
}

const present = (value: string | undefined): value is string => value !== undefined && value !== '';

/** Key types cosign signs with; anything else (DSA, X25519 ...) cannot have produced a cosign signature. */
function decodeKey(pem: string): KeyObject {
  if (!/-----BEGIN PUBLIC KEY-----/.test(pem)) {
    throw new PolicyError('key must be a PEM "PUBLIC KEY" (SubjectPublicKeyInfo), like cosign.pub');
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (cause) {
    throw new PolicyError(`key is not a valid PEM public key: ${(cause as Error).message}`, { cause });
  }
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve !== 'prime256v1' && curve !== 'secp384r1' && curve !== 'secp521r1') {
      throw new PolicyError(`key uses unsupported elliptic curve ${curve ?? 'unknown'}`);
    }
  } else if (type !== 'rsa' && type !== 'ed25519') {
    throw new PolicyError(`key type ${type ?? 'unknown'} is not supported (ECDSA, RSA or Ed25519)`);
  }
  return key;
}

/**
 * Validates and compiles a policy: sizes within `POLICY_LIMITS` (policy-limits.ts), then meaning. Like cosign, keyless verification needs an identity AND an issuer
 * constraint: "signed by anyone Fulcio ever certified" is no policy at all.
 */
export function compilePolicy(policy: Policy): CompiledPolicy {
  // Sizes first: nothing below (regexp compiles, key parsing) may run on an oversized policy.
  checkPolicyLimits(policy);
  checkTrustRootNames(policy.trustRoot);
  // `gh`'s signerWorkflow, signerRepo, repo and owner each constrain the SAN (see compile-provenance).
  const hasIdentity =
    present(policy.certificateIdentity) ||
    present(policy.certificateIdentityRegexp) ||
    namesSignerTheGhWay(policy);
  const hasIssuer = present(policy.certificateOidcIssuer) || present(policy.certificateOidcIssuerRegexp);
  const provenance = compileProvenance(policy);
  if (present(policy.key)) {
    if (hasIdentity || hasIssuer || provenance.present) {
      // cosign ignores identity flags when --key is given; silently ignoring a constraint the caller
      // asked for would be worse than refusing. A key has no certificate, so no claims either.
      throw new PolicyError('key and certificate identity/issuer/claims are mutually exclusive');
    }
    return {
      policy,
      identityRegexp: undefined,
      issuerRegexp: undefined,
      key: decodeKey(policy.key),
      provenance,
    };
  }
  if (!hasIdentity || !hasIssuer) {
    throw new PolicyError(
      'keyless verification requires certificateIdentity or certificateIdentityRegexp (or ' +
        'signerWorkflow, signerRepo, repo, owner), and certificateOidcIssuer or ' +
        'certificateOidcIssuerRegexp (or a key)',
    );
  }
  const identityRegexp = present(policy.certificateIdentityRegexp)
    ? compilePolicyRegexp(policy.certificateIdentityRegexp, 'certificateIdentityRegexp')
    : undefined;
  const issuerRegexp = present(policy.certificateOidcIssuerRegexp)
    ? compilePolicyRegexp(policy.certificateOidcIssuerRegexp, 'certificateOidcIssuerRegexp')
    : undefined;
  return { policy, identityRegexp, issuerRegexp, key: undefined, provenance };
}

/** Validates a policy; throws {@link PolicyError} (`INVALID_POLICY`) with a message naming the problem. */
export function validatePolicy(policy: Policy): Policy {
  compilePolicy(policy);
  return policy;
}
