import { sha256, signWith } from './keys.js';
import { IN_TOTO_PAYLOAD_TYPE, preAuthEncoding } from './bundle.js';
import { LEGACY_ANNOTATION } from './legacy.js';
import { intotoBody } from './rekor-entries.js';
import { signingKeyOf, verifierPemOf, type SignerChoice, type SigningServices } from './signer.js';
import type { TlogEntry } from './transparency-log.js';

/**
 * In-toto attestations as cosign and BuildKit write them. Statements are built here (never by the
 * code under test); signing a legacy `.att` layer follows cosign's `attest` before v3: a DSSE
 * envelope over the statement, the envelope as the layer, cosign's annotations (certificate, chain,
 * Rekor bundle of an `intoto` 0.0.2 entry, RFC 3161 token, `predicateType`) and an empty signature
 * annotation — the signature lives in the envelope.
 */
export const DSSE_ENVELOPE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';
export const STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const SLSA_PROVENANCE_V02 = 'https://slsa.dev/provenance/v0.2';

export interface StatementOptions {
  /** `sha256:<hex>` digests, each becoming a subject. */
  readonly subjects: readonly string[];
  readonly predicateType: string;
  /** Default: a small SLSA-like predicate. `null`: no `predicate` field at all. */
  readonly predicate?: unknown;
  /** Default v1. */
  readonly statementType?: typeof STATEMENT_V01 | typeof STATEMENT_V1;
}

export function inTotoStatement(options: StatementOptions): Buffer {
  const predicate =
    options.predicate === undefined
      ? { buildDefinition: { buildType: 'https://example.com/build' } }
      : options.predicate;
  return Buffer.from(
    JSON.stringify({
      _type: options.statementType ?? STATEMENT_V1,
      subject: options.subjects.map((digest, n) => ({
        name: `pkg:oci/subject-${n}`,
        digest: { sha256: digest.slice('sha256:'.length) },
      })),
      predicateType: options.predicateType,
      ...(predicate === null ? {} : { predicate }),
    }),
  );
}

export type SignLegacyAttestationOptions = SignerChoice & {
  readonly statement: Buffer;
  /** Default the in-toto payload type; anything else is what cosign refuses. */
  readonly payloadType?: string;
  /** 'set' (default): an `intoto` Rekor entry with SET. 'none': no log entry. */
  readonly tlog?: 'set' | 'none';
  readonly log?: 'main' | 'other';
  readonly rfc3161?: 'main' | 'other';
  /** Stored in the envelope in place of the statement that was signed. */
  readonly payloadOverride?: Buffer;
};

export interface LegacyAttestationArtifact {
  readonly kind: 'legacy-attestation';
  readonly mediaType: typeof DSSE_ENVELOPE_MEDIA_TYPE;
  /** The envelope JSON: the layer bytes. */
  readonly payload: Buffer;
  readonly annotations: Readonly<Record<string, string>>;
  readonly tlogEntry: TlogEntry | undefined;
}

export function signLegacyAttestation(
  services: SigningServices,
  options: SignLegacyAttestationOptions,
): LegacyAttestationArtifact {
  const key = signingKeyOf(options);
  const payloadType = options.payloadType ?? IN_TOTO_PAYLOAD_TYPE;
  const signature = signWith(key, preAuthEncoding(payloadType, options.statement));
  const stored = options.payloadOverride ?? options.statement;
  const envelope = {
    payloadType,
    payload: stored.toString('base64'),
    signatures: [{ keyid: '', sig: signature.toString('base64') }],
  };
  const predicateType = (JSON.parse(options.statement.toString()) as { predicateType?: string })
    .predicateType;
  const annotations: Record<string, string> = {
    [LEGACY_ANNOTATION.signature]: '',
    predicateType: predicateType ?? '',
  };
  if (options.identity !== undefined) {
    annotations[LEGACY_ANNOTATION.certificate] = options.identity.certificatePem;
    annotations[LEGACY_ANNOTATION.chain] = options.identity.chainPem;
  }
  let tlogEntry: TlogEntry | undefined;
  if ((options.tlog ?? 'set') === 'set') {
    const body = intotoBody({
      payloadType,
      envelopeHashHex: sha256(JSON.stringify(envelope)).toString('hex'),
      payloadHashHex: sha256(options.statement).toString('hex'),
      signature,
      verifierPem: verifierPemOf(options),
    });
    tlogEntry = services.logs[options.log ?? 'main'].append(body);
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
    const response = services.tsas[options.rfc3161].timestamp(signature);
    annotations[LEGACY_ANNOTATION.rfc3161Timestamp] = JSON.stringify({
      SignedRFC3161Timestamp: response.toString('base64'),
    });
  }
  return {
    kind: 'legacy-attestation',
    mediaType: DSSE_ENVELOPE_MEDIA_TYPE,
    payload: Buffer.from(JSON.stringify(envelope)),
    annotations,
    tlogEntry,
  };
}
