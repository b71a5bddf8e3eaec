import type { DiscoveredSignature, PayloadClaims } from '../discovery/types.js';
import { parsePemCertificate, readCertificateFacts } from './certificate/index.js';
import { evaluatePolicy, type CertificateIdentityFacts, type CompiledPolicy } from './policy/index.js';
import {
  bundleEntity,
  classifyError,
  legacyEntity,
  type PreparedEntity,
  bundleClaims,
  COSIGN_SIGN_PREDICATE_TYPE,
  simpleSigningClaims,
  type SignedClaims,
  verifyPreparedEntity,
} from './sigstore/index.js';
import type { NamedTrustRoot, TrustRoot } from './trust/index.js';
import type { SignatureVerification, VerificationIssue } from './types.js';
import { UnreachableCaseError } from '../errors/index.js';

/** Outcome of one signature without the discovery record (shared by images and plain artifacts). */
export type SignatureOutcome = Omit<SignatureVerification, 'signature'>;

/** What to verify: how to build the entity, and how to read what its verified bytes claim. */
export interface SignatureCheck {
  readonly prepare: () => PreparedEntity;
  readonly claims: (prepared: PreparedEntity) => SignedClaims;
  /** The digest the signature must be about (the manifest, or the artifact's sha256). */
  readonly subjectDigest: string;
  /** Claims discovery read, for fields not re-derived here (docker reference, bundle annotations). */
  readonly discovered: PayloadClaims | undefined;
  /** Fallback certificate for reporting an identity when the entity cannot even be built. */
  readonly certificatePem: string | undefined;
}

/**
 * The signer's identity as the leaf certificate states it. The entity already holds that leaf, parsed
 * from the same bytes as `leafDer` (legacy-entity.ts, and @sigstore/verify's toSignedEntity for
 * bundles), so it is read from there rather than parsed a second time.
 */
function identityOf(prepared: PreparedEntity): CertificateIdentityFacts | undefined {
  const { key } = prepared.entity;
  if (prepared.leafDer === undefined || key.$case !== 'certificate') return undefined;
  try {
    return readCertificateFacts(key.certificate);
  } catch {
    return undefined;
  }
}

function identityFromPem(pem: string | undefined): CertificateIdentityFacts | undefined {
  if (pem === undefined) return undefined;
  try {
    return readCertificateFacts(parsePemCertificate(pem));
  } catch {
    return undefined;
  }
}

const failed = (error: VerificationIssue, facts: CertificateIdentityFacts | undefined): SignatureOutcome => ({
  verified: false,
  errors: [error],
  identity: facts?.identity,
});

/**
 * The trust roots a signature may verify under, tried in order (a policy's `trustRoot`). A bare root
 * is one root named `default`, as callers with a single root (tests, conformance) pass it.
 */
export type TrustRootsToTry = TrustRoot | readonly NamedTrustRoot[];

const asNamed = (roots: TrustRootsToTry): readonly NamedTrustRoot[] =>
  Array.isArray(roots)
    ? (roots as readonly NamedTrustRoot[])
    : [{ name: 'default', root: roots as TrustRoot, unavailableBecause: undefined }];

/**
 * Verifies one signature: crypto first, then policy over what the verified bytes say. Never throws:
 * every failure becomes an error entry, and the signer's identity is reported whenever the
 * certificate parses — also when the crypto or the policy rejected it (it is then information, not trust).
 *
 * With several trust roots the crypto is tried under each in order until one accepts it; the policy
 * then runs once (what the verified bytes say does not depend on the root). A verified outcome names
 * the root. When none accepts it, one root's errors are reported as they are; several roots' errors
 * are each prefixed with the root's name, so the caller sees why each said no.
 */
export function runSignatureCheck(
  check: SignatureCheck,
  policy: CompiledPolicy,
  trustRoots: TrustRootsToTry,
): SignatureOutcome {
  let prepared: PreparedEntity;
  try {
    prepared = check.prepare();
  } catch (error) {
    return failed(classifyError(error), identityFromPem(check.certificatePem));
  }
  const facts = identityOf(prepared);
  const roots = asNamed(trustRoots);
  const rejections: VerificationIssue[] = [];
  for (const { name, root, unavailableBecause } of roots) {
    if (root === undefined) {
      rejections.push({
        code: 'TRUST_ROOT_UNAVAILABLE',
        message: `trust root ${name} is not available: ${unavailableBecause ?? 'not loaded'}`,
      });
      continue;
    }
    let signed: SignedClaims;
    try {
      verifyPreparedEntity(prepared, root, {
        key: policy.key,
        ignoreTlog: policy.policy.ignoreTlog ?? false,
        ignoreSct: policy.policy.ignoreSct ?? false,
      });
      signed = check.claims(prepared);
    } catch (error) {
      const issue = classifyError(error);
      rejections.push(
        roots.length === 1 ? issue : { ...issue, message: `trust root ${name}: ${issue.message}` },
      );
      continue;
    }
    const claims: PayloadClaims = {
      dockerManifestDigest: signed.digests.includes(check.subjectDigest)
        ? check.subjectDigest
        : signed.digests[0],
      dockerReference: check.discovered?.dockerReference,
      type: check.discovered?.type,
      optional:
        Object.keys(signed.optional).length > 0 ? signed.optional : (check.discovered?.optional ?? {}),
    };
    const errors = evaluatePolicy(policy, { subjectDigest: check.subjectDigest, claims, certificate: facts });
    return errors.length === 0
      ? { verified: true, errors, identity: facts?.identity, trustRoot: { name, id: root.id } }
      : { verified: false, errors, identity: facts?.identity };
  }
  return { verified: false, errors: rejections, identity: facts?.identity };
}

/** The check for a signature found in a registry. */
export function signatureCheckFor(
  sig: DiscoveredSignature,
  subjectDigest: string,
  policy: CompiledPolicy,
): SignatureCheck {
  switch (sig.kind) {
    case 'legacy-tag':
      return {
        prepare: () => legacyEntity(sig, policy.key !== undefined),
        claims: () => simpleSigningClaims(sig.payload),
        subjectDigest,
        discovered: sig.claims,
        certificatePem: sig.certificatePem,
      };
    case 'bundle-referrer':
      return {
        prepare: () => bundleEntity(sig.bundle, undefined),
        claims: (prepared) =>
          bundleClaims(sig.bundle, prepared.entity, undefined, COSIGN_SIGN_PREDICATE_TYPE),
        subjectDigest,
        discovered: sig.claims,
        certificatePem: undefined,
      };
    default:
      throw new UnreachableCaseError(sig);
  }
}

/** Verifies one discovered signature against the digest it was found for. */
export function verifySignature(
  sig: DiscoveredSignature,
  subjectDigest: string,
  policy: CompiledPolicy,
  trustRoots: TrustRootsToTry,
): SignatureVerification {
  return {
    signature: sig,
    ...runSignatureCheck(signatureCheckFor(sig, subjectDigest, policy), policy, trustRoots),
  };
}
