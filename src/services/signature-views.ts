import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { RFC3161Timestamp } from '@sigstore/core';
import { UnreachableCaseError } from '../errors/index.js';
import type { DiscoveredSignature, RekorBundleAnnotation } from '../discovery/types.js';
import { describeCertificate, type CertificateDescription } from '../verification/index.js';

/**
 * Plain-data views of discovered signatures for the GraphQL and REST edges. Everything here is read
 * from *unverified* registry content and is shown for explanation only: whether it was trusted is
 * what `Verification` says. Every reader is defensive: a malformed field becomes "absent", never a
 * thrown error, because a caller asking what a hostile signature claims deserves an answer.
 */
export type SignatureFormat = 'SIMPLE_SIGNING' | 'SIGSTORE_BUNDLE';

export interface TlogEntryView {
  readonly logIndex: string;
  /** hex SHA-256 of the log's public key. */
  readonly logId: string;
  readonly integratedTime: Date | undefined;
  readonly kind: string | undefined;
  readonly kindVersion: string | undefined;
}

export interface TimestampView {
  readonly kind: 'TRANSPARENCY_LOG' | 'RFC3161';
  readonly time: Date;
}

export interface CertificateView extends CertificateDescription {
  readonly chain: readonly CertificateDescription[];
}

export interface SignatureView {
  readonly format: SignatureFormat;
  /** The signature object's own digest: the simple-signing layer, or the bundle referrer manifest. */
  readonly digest: string;
  readonly dockerReference: string | undefined;
  readonly dockerManifestDigest: string | undefined;
  readonly payloadType: string | undefined;
  /** The signed annotations (`optional` of simple signing, cosign `-a key=value`). */
  readonly annotations: Readonly<Record<string, unknown>>;
  readonly certificate: CertificateView | undefined;
  readonly transparencyLog: TlogEntryView | undefined;
  readonly timestamps: readonly TimestampView[];
}

const SIMPLE_SIGNING_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Describes a signature. The certificate, transparency-log and timestamp views are getters, computed
 * when read: they decode base64 and parse X.509, ASN.1 and log entries, and a query asking only for
 * `format` must not pay for that (the bench showed certificate parsing dominating warm queries).
 * Callers read each at most once per request.
 */
export function describeSignature(signature: DiscoveredSignature): SignatureView {
  switch (signature.kind) {
    case 'legacy-tag': {
      const material = describeLegacyMaterial(signature);
      return {
        format: 'SIMPLE_SIGNING',
        digest: signature.layerDigest,
        dockerReference: signature.claims.dockerReference,
        dockerManifestDigest: signature.claims.dockerManifestDigest,
        payloadType: SIMPLE_SIGNING_TYPE,
        annotations: signature.claims.optional,
        get certificate() {
          return material.certificate;
        },
        get transparencyLog() {
          return material.transparencyLog;
        },
        get timestamps() {
          return material.timestamps;
        },
      };
    }
    case 'bundle-referrer':
      return describeBundle(signature);
    default:
      throw new UnreachableCaseError(signature);
  }
}

/** What cosign's layer annotations (`.sig` and `.att` alike) hold besides the signature. */
export interface LegacyMaterial {
  readonly certificatePem: string | undefined;
  readonly chainPem: string | undefined;
  readonly rekorBundle: RekorBundleAnnotation | undefined;
  readonly rfc3161Timestamp: Uint8Array | undefined;
}

/** Certificate, log entry and timestamps of a legacy layer, each computed when read (see above). */
export function describeLegacyMaterial(
  material: LegacyMaterial,
): Pick<SignatureView, 'certificate' | 'transparencyLog' | 'timestamps'> {
  return {
    get certificate() {
      return certificateView(material.certificatePem, material.chainPem);
    },
    get transparencyLog() {
      return material.rekorBundle === undefined
        ? undefined
        : {
            logIndex: String(material.rekorBundle.logIndex),
            logId: material.rekorBundle.logId,
            integratedTime: secondsToDate(material.rekorBundle.integratedTime),
            ...entryKind(material.rekorBundle.body),
          };
    },
    get timestamps() {
      return [
        ...tlogTimestamp(material.rekorBundle?.integratedTime),
        ...rfc3161Timestamp(material.rfc3161Timestamp),
      ];
    },
  };
}

export function describeBundle(
  signature: Extract<DiscoveredSignature, { kind: 'bundle-referrer' }>,
): SignatureView {
  const material = () => record(record(signature.bundle).verificationMaterial);
  const entry = () => record(array(material().tlogEntries)[0]);
  const integratedTime = () => Number(entry().integratedTime);
  return {
    format: 'SIGSTORE_BUNDLE',
    digest: signature.manifestDigest,
    dockerReference: signature.claims.dockerReference,
    dockerManifestDigest: signature.claims.dockerManifestDigest,
    payloadType: signature.payloadType,
    annotations: signature.claims.optional,
    get certificate() {
      const leaf = base64Field(record(material().certificate).rawBytes);
      const chainCerts = array(record(material().x509CertificateChain).certificates).flatMap(
        (c) => base64Field(record(c).rawBytes) ?? [],
      );
      const [first, ...rest] = leaf !== undefined ? [leaf] : chainCerts;
      return first === undefined
        ? undefined
        : certificateFromDer(first, leaf !== undefined ? chainCerts : rest);
    },
    get transparencyLog() {
      const logged = entry();
      if (logged.logIndex === undefined) return undefined;
      const kindVersion = record(logged.kindVersion);
      const logIdB64 = base64Field(record(logged.logId).keyId);
      return {
        logIndex: String(logged.logIndex),
        logId: logIdB64 === undefined ? '' : Buffer.from(logIdB64).toString('hex'),
        integratedTime: secondsToDate(integratedTime()),
        kind: typeof kindVersion.kind === 'string' ? kindVersion.kind : undefined,
        kindVersion: typeof kindVersion.version === 'string' ? kindVersion.version : undefined,
      };
    },
    get timestamps() {
      const rfc3161 = array(record(material().timestampVerificationData).rfc3161Timestamps).flatMap((t) =>
        rfc3161Timestamp(base64Field(record(t).signedTimestamp)),
      );
      return [...tlogTimestamp(integratedTime()), ...rfc3161];
    },
  };
}

function certificateView(pem: string | undefined, chainPem: string | undefined): CertificateView | undefined {
  if (pem === undefined) return undefined;
  const described = tryDescribe(pem);
  if (described === undefined) return undefined;
  const chain = (chainPem?.match(PEM_BLOCK) ?? []).flatMap((block) => {
    const c = tryDescribe(block);
    return c === undefined ? [] : [c];
  });
  return { ...described, chain };
}

function certificateFromDer(der: Uint8Array, chain: readonly Uint8Array[]): CertificateView | undefined {
  const toPem = (bytes: Uint8Array) => {
    try {
      return new NodeX509Certificate(bytes).toString();
    } catch {
      return undefined;
    }
  };
  const pem = toPem(der);
  if (pem === undefined) return undefined;
  const chainPem = chain.flatMap((c) => toPem(c) ?? []).join('');
  return certificateView(pem, chainPem);
}

function tryDescribe(pem: string): CertificateDescription | undefined {
  try {
    return describeCertificate(pem);
  } catch {
    return undefined;
  }
}

function entryKind(bodyB64: string): { kind: string | undefined; kindVersion: string | undefined } {
  try {
    const body = record(JSON.parse(Buffer.from(bodyB64, 'base64').toString('utf8')));
    return {
      kind: typeof body.kind === 'string' ? body.kind : undefined,
      kindVersion: typeof body.apiVersion === 'string' ? body.apiVersion : undefined,
    };
  } catch {
    return { kind: undefined, kindVersion: undefined };
  }
}

function tlogTimestamp(seconds: number | undefined): TimestampView[] {
  const time = secondsToDate(seconds);
  return time === undefined ? [] : [{ kind: 'TRANSPARENCY_LOG', time }];
}

function rfc3161Timestamp(der: Uint8Array | undefined): TimestampView[] {
  if (der === undefined) return [];
  try {
    return [{ kind: 'RFC3161', time: RFC3161Timestamp.parse(Buffer.from(der)).signingTime }];
  } catch {
    return [];
  }
}

/** Rekor's integrated time; 0 or nonsense means "none" (cosign treats 0 as absent too). */
function secondsToDate(seconds: number | undefined): Date | undefined {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function base64Field(value: unknown): Uint8Array | undefined {
  return typeof value === 'string' && value !== '' ? new Uint8Array(Buffer.from(value, 'base64')) : undefined;
}
