import type { TransparencyLogEntry } from '@sigstore/bundle';
import { RFC3161Timestamp } from '@sigstore/core';
import type { SignedEntity } from '@sigstore/verify';
import type { LegacySignature, RekorBundleAnnotation } from '../../discovery/types.js';
import { EncodedCertificate, pemCertificatesToDer } from '../certificate/index.js';
import { SignatureCheckError } from '../errors.js';
import { decodeBase64Strict } from './base64.js';
import { legacySignatureContent } from './message-content.js';

/** A signed entity plus the signer material our own checks need alongside @sigstore/verify's. */
export interface PreparedEntity {
  readonly entity: SignedEntity;
  /** DER of the leaf certificate, when the signature is certificate-based. */
  readonly leafDer: Buffer | undefined;
}

/**
 * The cosign `dev.sigstore.cosign/bundle` annotation as a Sigstore transparency-log entry (what a
 * v0.1 bundle would carry): kind/version read from the canonicalized body (which @sigstore/verify
 * checks against the entry), the SET as inclusion promise, the log id from hex.
 */
function toTlogEntry(rekor: RekorBundleAnnotation): TransparencyLogEntry {
  const body = decodeBase64Strict(rekor.body, 'Rekor entry body');
  const parsed = JSON.parse(body.toString('utf8')) as { kind?: unknown; apiVersion?: unknown };
  if (typeof parsed.kind !== 'string' || typeof parsed.apiVersion !== 'string') {
    throw new SignatureCheckError('TLOG_INVALID', 'Rekor entry body has no kind/apiVersion');
  }
  if (!/^[0-9a-f]{64}$/.test(rekor.logId)) {
    throw new SignatureCheckError('TLOG_INVALID', 'Rekor logID is not a hex SHA-256');
  }
  if (
    !Number.isSafeInteger(rekor.integratedTime) ||
    !Number.isSafeInteger(rekor.logIndex) ||
    rekor.logIndex < 0
  ) {
    throw new SignatureCheckError('TLOG_INVALID', 'Rekor integratedTime/logIndex out of range');
  }
  return {
    logIndex: String(rekor.logIndex),
    logId: { keyId: Buffer.from(rekor.logId, 'hex') },
    kindVersion: { kind: parsed.kind, version: parsed.apiVersion },
    integratedTime: String(rekor.integratedTime),
    inclusionPromise: { signedEntryTimestamp: decodeBase64Strict(rekor.signedEntryTimestamp, 'Rekor SET') },
    inclusionProof: undefined,
    canonicalizedBody: body,
  };
}

/**
 * The log entry and timestamps of cosign's layer annotations (`.sig` and `.att` alike): the Rekor
 * bundle as a transparency-log entry, and the RFC 3161 token.
 */
export function legacyTimeSources(
  rekorBundle: RekorBundleAnnotation | undefined,
  rfc3161Timestamp: Uint8Array | undefined,
): Pick<SignedEntity, 'tlogEntries' | 'timestamps'> {
  const tlogEntries = rekorBundle === undefined ? [] : [toTlogEntry(rekorBundle)];
  const timestamps: SignedEntity['timestamps'] = [];
  for (const tlogEntry of tlogEntries) {
    // Same rule as @sigstore/verify's toSignedEntity: only an entry with a (non-zero) integrated
    // time is a source of time, and only after its SET verifies.
    if (tlogEntry.integratedTime !== '0') timestamps.push({ $case: 'transparency-log', tlogEntry });
  }
  if (rfc3161Timestamp !== undefined) {
    timestamps.push({
      $case: 'timestamp-authority',
      timestamp: RFC3161Timestamp.parse(Buffer.from(rfc3161Timestamp)),
    });
  }
  return { tlogEntries, timestamps };
}

/**
 * Builds what @sigstore/verify verifies from a legacy `.sig` layer: message signature over the
 * payload, the leaf certificate (keyless) or a key hint (key-based), the Rekor entry and the RFC 3161
 * timestamp. `byKey` ignores any certificate, as cosign does with `--key`.
 */
export function legacyEntity(sig: LegacySignature, byKey: boolean): PreparedEntity {
  const signature = decodeBase64Strict(sig.signature, 'signature annotation');
  const { tlogEntries, timestamps } = legacyTimeSources(sig.rekorBundle, sig.rfc3161Timestamp);
  let key: SignedEntity['key'];
  let leafDer: Buffer | undefined;
  if (byKey) {
    key = { $case: 'public-key', hint: '' };
  } else {
    if (sig.certificatePem === undefined) {
      throw new SignatureCheckError('CERTIFICATE_MISSING', 'no certificate found on signature');
    }
    const [der] = pemCertificatesToDer(sig.certificatePem);
    if (der === undefined)
      throw new SignatureCheckError('CERTIFICATE_INVALID', 'certificate annotation holds no PEM certificate');
    leafDer = der;
    // Encoded once for the chain builder, which would otherwise re-encode it a dozen times.
    key = { $case: 'certificate', certificate: EncodedCertificate.fromDer(der) };
  }
  return {
    entity: {
      signature: legacySignatureContent(Buffer.from(sig.payload), signature),
      key,
      tlogEntries,
      timestamps,
    },
    leafDer,
  };
}
