import { formatPlatform } from '../reference/index.js';
import type { Platform } from '../registry/types.js';
import type { SignatureView } from '../services/signature-views.js';
import type { VerificationOutcome } from '../services/verification-service.js';
import { FULCIO_CLAIMS } from '../verification/index.js';
import type { SignerIdentity, VerificationIssue } from '../verification/types.js';

/**
 * JSON bodies of the REST facade, built from the same plain views GraphQL renders. Absent values are
 * `null` (never missing keys), and times are RFC 3339 strings: openapi/openapi.yaml describes exactly
 * these shapes and the contract tests hold every response to it.
 */

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);
const isoOrNull = (value: Date | undefined): string | null =>
  value === undefined ? null : value.toISOString();

export function issueJson(issue: VerificationIssue): { code: string; message: string } {
  return { code: issue.code, message: issue.message };
}

export function identityJson(identity: SignerIdentity) {
  return {
    subjectAlternativeName: orNull(identity.subjectAlternativeName),
    issuer: orNull(identity.issuer),
    githubWorkflowRepository: orNull(identity.githubWorkflowRepository),
    githubWorkflowRef: orNull(identity.githubWorkflowRef),
    githubWorkflowTrigger: orNull(identity.githubWorkflowTrigger),
    githubWorkflowSha: orNull(identity.githubWorkflowSha),
    githubWorkflowName: orNull(identity.githubWorkflowName),
    // Fulcio's provenance claims (.1.9–.1.24), every one present as a key (null when absent).
    ...Object.fromEntries(FULCIO_CLAIMS.map(({ field }) => [field, orNull(identity[field])])),
  };
}

/** What a signature claims (unverified: whether it was trusted is the verification's `verified`). */
export function signatureJson(view: SignatureView) {
  const certificate = view.certificate;
  const log = view.transparencyLog;
  return {
    format: view.format,
    digest: view.digest,
    dockerReference: orNull(view.dockerReference),
    dockerManifestDigest: orNull(view.dockerManifestDigest),
    payloadType: orNull(view.payloadType),
    annotations: view.annotations,
    certificate:
      certificate === undefined
        ? null
        : {
            subjectAlternativeName: orNull(certificate.subjectAlternativeName),
            issuer: orNull(certificate.issuer),
            serialNumber: certificate.serialNumber,
            notBefore: certificate.notBefore.toISOString(),
            notAfter: certificate.notAfter.toISOString(),
            issuerName: certificate.issuerName,
          },
    transparencyLog:
      log === undefined
        ? null
        : { logIndex: log.logIndex, logId: log.logId, integratedTime: isoOrNull(log.integratedTime) },
    timestamps: view.timestamps.map((t) => ({ kind: t.kind, time: t.time.toISOString() })),
  };
}

export function verificationJson(
  image: string,
  outcome: VerificationOutcome,
  describe: (signature: NonNullable<VerificationOutcome['signatures'][number]['signature']>) => SignatureView,
) {
  return {
    image,
    digest: outcome.digest,
    verified: outcome.verified,
    status: outcome.status,
    inheritedFrom: orNull(outcome.inheritedFrom),
    hint: orNull(outcome.hint),
    // As GraphQL's Verification.trustRoot: the first verified signature's root.
    trustRoot: outcome.signatures.find((s) => s.verified && s.trustRoot !== undefined)?.trustRoot ?? null,
    errors: outcome.errors.map(issueJson),
    signatures: outcome.signatures.map((s) => ({
      verified: s.verified,
      errors: s.errors.map(issueJson),
      identity: s.identity === undefined ? null : identityJson(s.identity),
      trustRoot: s.trustRoot ?? null,
      signature: s.signature === undefined ? null : signatureJson(describe(s.signature)),
    })),
  };
}

export function platformString(platform: Platform | undefined): string | null {
  return platform === undefined ? null : formatPlatform(platform);
}
