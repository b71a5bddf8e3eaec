import { createHash } from 'node:crypto';
import type {
  BundleSignature,
  DiscoveryResult,
  LegacySignature,
  PayloadClaims,
  RekorBundleAnnotation,
} from '../../../src/discovery/types.js';
import {
  LEGACY_ANNOTATION,
  type BundleSignatureArtifact,
  type LegacySignatureArtifact,
} from '../../support/sigstore/index.js';

/**
 * Test Sigstore artifacts in the shape discovery hands to verification. A direct translation of
 * the annotations cosign writes (discovery's own parsing is tested by discovery); the claims are
 * read from the stored bytes, so a tampered payload shows up as tampered claims too.
 */
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** The cosign `dev.sigstore.cosign/bundle` annotation JSON, as discovery hands it on. */
export function rekorAnnotation(text: string | undefined): RekorBundleAnnotation | undefined {
  if (text === undefined) return undefined;
  const raw = JSON.parse(text) as {
    SignedEntryTimestamp: string;
    Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
  };
  return {
    signedEntryTimestamp: raw.SignedEntryTimestamp,
    body: raw.Payload.body,
    integratedTime: raw.Payload.integratedTime,
    logIndex: raw.Payload.logIndex,
    logId: raw.Payload.logID,
  };
}

/** The claims of a simple-signing payload, read from its bytes. */
export function simpleSigningClaims(payload: Uint8Array): PayloadClaims {
  const doc = JSON.parse(Buffer.from(payload).toString('utf8')) as {
    critical?: {
      identity?: { 'docker-reference'?: string };
      image?: { 'docker-manifest-digest'?: string };
      type?: string;
    };
    optional?: Record<string, unknown> | null;
  };
  return {
    dockerManifestDigest: doc.critical?.image?.['docker-manifest-digest'],
    dockerReference: doc.critical?.identity?.['docker-reference'],
    type: doc.critical?.type,
    optional: doc.optional ?? {},
  };
}

export function legacyDiscovered(artifact: LegacySignatureArtifact, subjectDigest: string): LegacySignature {
  const a = artifact.annotations;
  const tsa = a[LEGACY_ANNOTATION.rfc3161Timestamp];
  return {
    kind: 'legacy-tag',
    subjectDigest,
    manifestDigest: sha256(Buffer.from(`manifest of ${subjectDigest}`)),
    layerDigest: sha256(artifact.payload),
    payload: artifact.payload,
    signature: a[LEGACY_ANNOTATION.signature] ?? '',
    certificatePem: a[LEGACY_ANNOTATION.certificate],
    chainPem: a[LEGACY_ANNOTATION.chain],
    rekorBundle: rekorAnnotation(a[LEGACY_ANNOTATION.bundle]),
    rfc3161Timestamp:
      tsa === undefined
        ? undefined
        : Buffer.from(
            (JSON.parse(tsa) as { SignedRFC3161Timestamp: string }).SignedRFC3161Timestamp,
            'base64',
          ),
    claims: simpleSigningClaims(artifact.payload),
    annotations: a,
  };
}

export function bundleDiscovered(artifact: BundleSignatureArtifact, subjectDigest: string): BundleSignature {
  const statement = JSON.parse(
    Buffer.from(artifact.bundle.dsseEnvelope.payload, 'base64').toString('utf8'),
  ) as {
    subject?: { digest?: { sha256?: string }; annotations?: Record<string, unknown> }[];
    predicateType?: string;
  };
  const subject = statement.subject?.[0];
  return {
    kind: 'bundle-referrer',
    subjectDigest,
    manifestDigest: sha256(Buffer.from(`referrer of ${subjectDigest}`)),
    layerDigest: sha256(artifact.bytes),
    bundleMediaType: artifact.mediaType,
    bundle: JSON.parse(artifact.bytes.toString('utf8')) as unknown,
    payloadType: artifact.bundle.dsseEnvelope.payloadType,
    claims: {
      dockerManifestDigest:
        subject?.digest?.sha256 === undefined ? undefined : `sha256:${subject.digest.sha256}`,
      dockerReference: undefined,
      type: statement.predicateType,
      optional: subject?.annotations ?? {},
    },
    annotations: {},
  };
}

/**
 * A bundle referrer carrying whatever bundle a registry served, unparsed, as discovery hands it on:
 * for feeding verification hostile or malformed bundles.
 */
export function servedBundleDiscovered(bundle: unknown, digest: string): BundleSignature {
  return {
    kind: 'bundle-referrer',
    subjectDigest: digest,
    manifestDigest: digest,
    layerDigest: digest,
    bundleMediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    bundle,
    payloadType: undefined,
    claims: { dockerManifestDigest: digest, dockerReference: undefined, type: undefined, optional: {} },
    annotations: {},
  };
}

export function discovered(
  subjectDigest: string,
  artifacts: readonly (LegacySignatureArtifact | BundleSignatureArtifact)[],
): DiscoveryResult {
  return {
    subjectDigest,
    signatures: artifacts.map((a) =>
      a.kind === 'legacy' ? legacyDiscovered(a, subjectDigest) : bundleDiscovered(a, subjectDigest),
    ),
    problems: [],
  };
}
