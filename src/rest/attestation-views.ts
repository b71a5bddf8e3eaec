import type { AttestationVerificationOutcome } from '../services/attestation-service.js';
import { describeAttestation, type AttestationView } from '../services/attestation-views.js';
import { identityJson, issueJson } from './views.js';

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

/** What a stored attestation claims (unverified on its own), without the statement body. */
export function attestationJson(view: AttestationView) {
  const certificate = view.signing?.certificate;
  return {
    source: view.source,
    digest: view.digest,
    predicateType: orNull(view.predicateType),
    statementType: orNull(view.statementType),
    payloadType: orNull(view.payloadType),
    signed: view.signed,
    statementSize: view.statementSize,
    subjects: view.subjects.map((s) => ({ name: orNull(s.name), digest: s.digest })),
    certificate:
      certificate === undefined
        ? null
        : {
            subjectAlternativeName: orNull(certificate.subjectAlternativeName),
            issuer: orNull(certificate.issuer),
          },
  };
}

export function attestationVerificationJson(image: string, outcome: AttestationVerificationOutcome) {
  return {
    image,
    digest: outcome.digest,
    predicateType: outcome.predicateType,
    verified: outcome.verified,
    status: outcome.status,
    inheritedFrom: orNull(outcome.inheritedFrom),
    trustRoot: outcome.attestations.find((a) => a.verified && a.trustRoot !== undefined)?.trustRoot ?? null,
    errors: outcome.errors.map(issueJson),
    attestations: outcome.attestations.map((a) => ({
      verified: a.verified,
      errors: a.errors.map(issueJson),
      identity: a.identity === undefined ? null : identityJson(a.identity),
      attestation: a.attestation === undefined ? null : attestationJson(describeAttestation(a.attestation)),
      trustRoot: a.verified ? (a.trustRoot ?? null) : null,
    })),
  };
}
