import { createHash } from 'node:crypto';
import type { IssuedCertificate } from './fulcio.js';
import { signWith } from './keys.js';
import { hashedrekordBody } from './rekor-entries.js';
import { signingKeyOf, verifierPemOf, type SignerChoice, type SigningServices } from './signer.js';
import type { TlogEntry } from './transparency-log.js';

/**
 * cosign's legacy signature format: a "simple signing" JSON payload, signed directly (no DSSE), stored
 * as one layer of the `sha256-<hex>.sig` manifest with the signature, certificate, chain and Rekor
 * bundle in layer annotations (cosign `pkg/oci/static`, `pkg/cosign/bundle`).
 */
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIMPLE_SIGNING_TYPE = 'cosign container image signature';

export const LEGACY_ANNOTATION = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
  rfc3161Timestamp: 'dev.sigstore.cosign/rfc3161timestamp',
} as const;

export type SignLegacyOptions = SignerChoice & {
  /** `sha256:<hex>` of the manifest being signed. */
  readonly imageDigest: string;
  /** `critical.identity.docker-reference`: the repository the signer named (cosign: without tag/digest). */
  readonly dockerReference: string;
  /** cosign `-a key=value`: the payload's `optional` map. Absent means `"optional":null`, as cosign writes. */
  readonly annotations?: Readonly<Record<string, unknown>>;
  /** 'set' (default): upload to the log and attach the SET bundle annotation. 'none': no timestamp at all. */
  readonly tlog?: 'set' | 'none';
  /** Which log records the entry. 'other' is NOT in the trusted root: its SET must be rejected. */
  readonly log?: 'main' | 'other';
  /** Stored in place of the payload that was signed (a tampered payload). */
  readonly payloadOverride?: Uint8Array;
  /** The Rekor entry records this certificate instead of the signer's (GHSA-fx35-mq7g-6g98). */
  readonly rekorCertificateOverride?: IssuedCertificate;
  /** Integrated time of the log entry (default now): outside the certificate window = expired at signing. */
  readonly integratedTime?: Date;
  /** Countersign the signature bytes with a TSA ('other' is untrusted). Default: no TSA timestamp. */
  readonly rfc3161?: 'main' | 'other';
  /** The TSA's claimed time (default now). */
  readonly timestampedAt?: Date;
  /** Include `dev.sigstore.cosign/chain` (default true for keyless). */
  readonly includeChain?: boolean;
};

export interface LegacySignatureArtifact {
  readonly kind: 'legacy';
  readonly mediaType: typeof SIMPLE_SIGNING_MEDIA_TYPE;
  /** The layer bytes as stored (equal to `signedPayload` unless overridden). */
  readonly payload: Buffer;
  /** The bytes that were actually signed. */
  readonly signedPayload: Buffer;
  readonly signature: Buffer;
  /** Layer annotations, exactly as cosign writes them. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly tlogEntry: TlogEntry | undefined;
}

/** The simple-signing payload, in the field order Go's encoding/json gives cosign's structs. */
export function simpleSigningPayload(
  imageDigest: string,
  dockerReference: string,
  annotations?: Readonly<Record<string, unknown>>,
): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': dockerReference },
        image: { 'docker-manifest-digest': imageDigest },
        type: SIMPLE_SIGNING_TYPE,
      },
      optional: annotations === undefined ? null : sortKeys(annotations),
    }),
  );
}

/** Go marshals maps with sorted keys. */
function sortKeys(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, record[k]]),
  );
}

export function signLegacy(services: SigningServices, options: SignLegacyOptions): LegacySignatureArtifact {
  const key = signingKeyOf(options);
  const signedPayload = simpleSigningPayload(
    options.imageDigest,
    options.dockerReference,
    options.annotations,
  );
  const signature = signWith(key, signedPayload);
  const annotations: Record<string, string> = { [LEGACY_ANNOTATION.signature]: signature.toString('base64') };
  if (options.identity !== undefined) {
    annotations[LEGACY_ANNOTATION.certificate] = options.identity.certificatePem;
    if (options.includeChain !== false) annotations[LEGACY_ANNOTATION.chain] = options.identity.chainPem;
  }

  let tlogEntry: TlogEntry | undefined;
  if ((options.tlog ?? 'set') === 'set') {
    const algorithm = key.hash === 'sha384' ? 'sha384' : 'sha256';
    const body = hashedrekordBody({
      signature,
      digestHex: createHash(algorithm).update(signedPayload).digest('hex'),
      algorithm,
      verifierPem:
        options.rekorCertificateOverride !== undefined
          ? options.rekorCertificateOverride.certificatePem
          : verifierPemOf(options),
    });
    tlogEntry = services.logs[options.log ?? 'main'].append(body, options.integratedTime);
    // cosign's `bundle.RekorBundle` JSON: Go field names, SET base64, body base64, logID hex.
    annotations[LEGACY_ANNOTATION.bundle] = JSON.stringify({
      SignedEntryTimestamp: tlogEntry.signedEntryTimestamp.toString('base64'),
      Payload: {
        body: tlogEntry.body.toString('base64'),
        integratedTime: tlogEntry.integratedTime,
        logIndex: tlogEntry.logIndex,
        logID: tlogEntry.logId.toString('hex'),
      },
    });
  }

  if (options.rfc3161 !== undefined) {
    // cosign's `bundle.RFC3161Timestamp` JSON; the TSA timestamps the raw signature bytes.
    const response = services.tsas[options.rfc3161].timestamp(signature, options.timestampedAt);
    annotations[LEGACY_ANNOTATION.rfc3161Timestamp] = JSON.stringify({
      SignedRFC3161Timestamp: response.toString('base64'),
    });
  }

  return {
    kind: 'legacy',
    mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
    payload: options.payloadOverride !== undefined ? Buffer.from(options.payloadOverride) : signedPayload,
    signedPayload,
    signature,
    annotations,
    tlogEntry,
  };
}
