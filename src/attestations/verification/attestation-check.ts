import { UnreachableCaseError } from '../../errors/index.js';
import {
  bundleEntity,
  type CompiledPolicy,
  legacyDsseEntity,
  type SignatureCheck,
} from '../../verification/index.js';
import type { BundleAttestation, LegacyAttestation } from '../discovery/index.js';
import { verifiedStatementDigests } from './statement-claims.js';

/** Signed attestations: the two forms Sigstore signs. BuildKit's bare statements have nothing to check. */
export type SignedAttestation = LegacyAttestation | BundleAttestation;

/**
 * The same check a signature gets (src/verification/verify-signature.ts `runSignatureCheck`): the
 * entity is built and verified by @sigstore/verify plus our gap checks (chain, SCT, tlog/TSA, the log
 * entry naming this signer, key-based), then the verified statement is read for subject and predicate
 * type, then the identity policy runs. Only the entity and the statement reading differ by form.
 */
export function attestationCheckFor(
  attestation: SignedAttestation,
  subjectDigest: string,
  predicateType: string,
  policy: CompiledPolicy,
): SignatureCheck {
  const discovered = {
    dockerManifestDigest: undefined,
    dockerReference: undefined,
    type: attestation.statement?.predicateType,
    optional: {},
  };
  switch (attestation.kind) {
    case 'legacy-tag': {
      const { envelope } = attestation;
      return {
        prepare: () =>
          legacyDsseEntity(
            {
              ...envelope,
              certificatePem: attestation.certificatePem,
              rekorBundle: attestation.rekorBundle,
              rfc3161Timestamp: attestation.rfc3161Timestamp,
            },
            policy.key !== undefined,
          ),
        claims: () => ({
          digests: verifiedStatementDigests(
            envelope.payloadType,
            envelope.payload,
            subjectDigest,
            predicateType,
          ),
          optional: {},
        }),
        subjectDigest,
        discovered,
        certificatePem: attestation.certificatePem,
      };
    }
    case 'bundle-referrer': {
      const { referrer } = attestation;
      return {
        prepare: () => bundleEntity(referrer.bundle, undefined),
        claims: () => ({
          digests: verifiedStatementDigests(
            referrer.payloadType,
            bundlePayload(referrer.bundle),
            subjectDigest,
            predicateType,
          ),
          optional: {},
        }),
        subjectDigest,
        discovered: { ...discovered, optional: referrer.claims.optional },
        certificatePem: undefined,
      };
    }
    default:
      throw new UnreachableCaseError(attestation);
  }
}

/**
 * The DSSE payload of a bundle, decoded as @sigstore/bundle decodes it for the signature check
 * (base64 of the same JSON string), so the statement read is the statement verified.
 */
export function bundlePayload(bundle: unknown): Uint8Array {
  const envelope = (bundle as { dsseEnvelope?: { payload?: unknown } } | null)?.dsseEnvelope;
  if (typeof envelope?.payload !== 'string') return new Uint8Array();
  return new Uint8Array(Buffer.from(envelope.payload, 'base64'));
}
