import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/paths.js';

/**
 * Real attestation predicates (test/conformance/attestation-predicates/, each folder with a NOTICE.md
 * saying where its documents came from) and the in-toto statements real tools wrap them in. The
 * documents are data; only the statement header is built here, the way each tool builds it, so a
 * view is tested on what it would actually be handed.
 */
export const PREDICATES_DIR = join(REPO_ROOT, 'test/conformance/attestation-predicates');

export interface Fixture {
  /** The file as stored, for the NOTICE's sha256 and for truncation tests. */
  readonly text: string;
  readonly sha256: string;
  readonly json: unknown;
}

export function readFixture(path: string): Fixture {
  const text = readFileSync(join(PREDICATES_DIR, path), 'utf8');
  return { text, sha256: createHash('sha256').update(text).digest('hex'), json: JSON.parse(text) as unknown };
}

/** An image a statement is about: its repository and `sha256:<hex>` digest, as cosign names it. */
export interface StatementSubject {
  readonly name: string;
  readonly digest: string;
}

/** A stand-in image for tests that only read the predicate (the views never read the subject). */
const STAND_IN: StatementSubject = {
  name: 'registry.example/app',
  digest: 'sha256:5d1b1d3f1b1c6a2cb2b3b9d0f4c0ce0ff7b5e6a1e0a7f5d1c3e2b4a6978877aa',
};

function subjectOf(subject: StatementSubject) {
  return [{ name: subject.name, digest: { sha256: subject.digest.slice('sha256:'.length) } }];
}

/**
 * Predicate types `cosign attest --type <t>` writes (cosign pkg/cosign/attestation: in-toto's
 * PredicateSPDX and PredicateCycloneDX, OpenVexNamespace, CosignVulnProvenanceV01, SLSA v1), in an
 * in-toto v0.1 statement whose subject is the image repository and digest.
 */
const COSIGN_PREDICATE_TYPES = {
  spdxjson: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
  openvex: 'https://openvex.dev/ns',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
} as const;

export function cosignAttestStatement(
  type: keyof typeof COSIGN_PREDICATE_TYPES,
  predicate: unknown,
  subject: StatementSubject = STAND_IN,
) {
  return {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: COSIGN_PREDICATE_TYPES[type],
    subject: subjectOf(subject),
    predicate,
  };
}

/**
 * What GitHub's `actions/attest-sbom` signs: an in-toto v1 statement; SPDX documents get the
 * versioned type `https://spdx.dev/Document/v<spdxVersion>` (the type `gh attestation verify
 * --predicate-type https://spdx.dev/Document/v2.3` selects), CycloneDX ones `https://cyclonedx.org/bom`.
 */
export function githubAttestSbomStatement(predicate: unknown, subject: StatementSubject = STAND_IN) {
  const spdxVersion = (predicate as { spdxVersion?: unknown }).spdxVersion;
  const predicateType =
    typeof spdxVersion === 'string'
      ? `https://spdx.dev/Document/v${spdxVersion.replace(/^SPDX-/, '')}`
      : 'https://cyclonedx.org/bom';
  return { _type: 'https://in-toto.io/Statement/v1', predicateType, subject: subjectOf(subject), predicate };
}

/**
 * BuildKit's SBOM attestation (docs/attestations/sbom.md, attestation-storage.md): an in-toto v1
 * statement of the unversioned type `https://spdx.dev/Document`, one per platform manifest.
 */
export function buildkitSbomStatement(predicate: unknown, subject: StatementSubject = STAND_IN) {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    predicateType: 'https://spdx.dev/Document',
    subject: subjectOf(subject),
    predicate,
  };
}

/** A deep copy to mutate in malformed-predicate tests without touching the shared parse. */
export function copyOf<T>(value: T): T {
  return structuredClone(value);
}
