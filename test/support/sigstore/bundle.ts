import type { IssuedCertificate } from './fulcio.js';
import { sha256, signWith } from './keys.js';
import { dsseBody } from './rekor-entries.js';
import { signingKeyOf, verifierPemOf, type SignerChoice, type SigningServices } from './signer.js';
import type { TlogEntry } from './transparency-log.js';

/**
 * cosign v3's image signature format: a Sigstore bundle v0.3 whose content is a DSSE envelope over an
 * in-toto v1 statement (predicate type `https://sigstore.dev/cosign/sign/v1`, subject = the manifest
 * digest, the `-a` annotations on the subject, empty predicate), recorded in Rekor as a `dsse` 0.0.1
 * entry with both an inclusion promise (SET) and an inclusion proof with checkpoint. See cosign
 * `cmd/cosign/cli/sign` (`signDigestBundle`) and the sigstore-conformance `happy-path-intoto-in-dsse-v3`.
 */
export const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';

export type SignBundleOptions = SignerChoice & {
  /** `sha256:<hex>` of the manifest being signed. */
  readonly imageDigest: string;
  /** cosign `-a key=value`: written to the statement subject's `annotations`. */
  readonly annotations?: Readonly<Record<string, unknown>>;
  /** Default: cosign's signature predicate. Anything else makes the bundle an attestation, not a signature. */
  readonly predicateType?: string;
  /**
   * The exact statement to sign, in place of cosign's signature statement (`imageDigest`,
   * `annotations` and `predicateType` then only describe it): attestations, odd statements.
   */
  readonly statement?: Buffer;
  /**
   * 'proof-and-set' (default, Rekor v1 as cosign v3 writes), 'proof' (no SET and integratedTime 0,
   * Rekor v2 style: no timestamp without a TSA), 'set' (promise only), 'none' (no tlog entry).
   */
  readonly tlog?: 'proof-and-set' | 'proof' | 'set' | 'none';
  /** 'other' is NOT in the trusted root. */
  readonly log?: 'main' | 'other';
  /** Stored as the DSSE payload in place of the statement that was signed. */
  readonly payloadOverride?: Uint8Array;
  /** The tlog entry names this certificate as verifier instead of the signer's. */
  readonly tlogCertificateOverride?: IssuedCertificate;
  readonly integratedTime?: Date;
  /** Add an RFC 3161 timestamp over the DSSE signature ('other' is untrusted). Default: none. */
  readonly rfc3161?: 'main' | 'other';
  /** The TSA's claimed time (default now). */
  readonly timestampedAt?: Date;
};

/** JSON form of a bundle v0.3 (protobuf-specs `Bundle`), as written to the referrer layer. */
export interface BundleJson {
  readonly mediaType: string;
  readonly verificationMaterial: {
    readonly certificate?: { readonly rawBytes: string };
    readonly publicKey?: { readonly hint: string };
    readonly tlogEntries: readonly unknown[];
    readonly timestampVerificationData?: {
      readonly rfc3161Timestamps: readonly { readonly signedTimestamp: string }[];
    };
  };
  readonly dsseEnvelope: {
    readonly payload: string;
    readonly payloadType: string;
    readonly signatures: readonly { readonly sig: string }[];
  };
}

export interface BundleSignatureArtifact {
  readonly kind: 'bundle';
  readonly mediaType: typeof BUNDLE_V03_MEDIA_TYPE;
  readonly bundle: BundleJson;
  /** The exact layer bytes (serialized `bundle`). */
  readonly bytes: Buffer;
  /** The in-toto statement that was signed. */
  readonly statement: Buffer;
  readonly tlogEntry: TlogEntry | undefined;
}

/** The in-toto statement cosign v3 signs for an image, field order as protojson writes it. */
export function cosignSignStatement(
  imageDigest: string,
  annotations: Readonly<Record<string, unknown>> = {},
  predicateType = COSIGN_SIGN_PREDICATE_TYPE,
): Buffer {
  const colon = imageDigest.indexOf(':');
  const algorithm = imageDigest.slice(0, colon);
  const hex = imageDigest.slice(colon + 1);
  return Buffer.from(
    JSON.stringify({
      _type: IN_TOTO_STATEMENT_V1,
      subject: [{ digest: { [algorithm]: hex }, annotations }],
      predicateType,
      predicate: {},
    }),
  );
}

/** DSSE pre-authentication encoding: what the signature actually covers. */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `),
    type,
    Buffer.from(` ${payload.length} `),
    payload,
  ]);
}

function tlogEntryJson(entry: TlogEntry, withPromise: boolean, withProof: boolean): unknown {
  const proof = entry.inclusionProof;
  return {
    logIndex: String(entry.logIndex),
    logId: { keyId: entry.logId.toString('base64') },
    kindVersion: { kind: 'dsse', version: '0.0.1' },
    integratedTime: withPromise ? String(entry.integratedTime) : '0',
    ...(withPromise
      ? { inclusionPromise: { signedEntryTimestamp: entry.signedEntryTimestamp.toString('base64') } }
      : {}),
    ...(withProof
      ? {
          inclusionProof: {
            logIndex: String(proof.logIndex),
            rootHash: proof.rootHash.toString('base64'),
            treeSize: String(proof.treeSize),
            hashes: proof.hashes.map((h) => h.toString('base64')),
            checkpoint: { envelope: proof.checkpoint },
          },
        }
      : {}),
    canonicalizedBody: entry.body.toString('base64'),
  };
}

export function signBundle(services: SigningServices, options: SignBundleOptions): BundleSignatureArtifact {
  const key = signingKeyOf(options);
  const statement =
    options.statement ?? cosignSignStatement(options.imageDigest, options.annotations, options.predicateType);
  const signature = signWith(key, preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, statement));
  const storedPayload =
    options.payloadOverride !== undefined ? Buffer.from(options.payloadOverride) : statement;
  const dsseEnvelope = {
    payload: storedPayload.toString('base64'),
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    signatures: [{ sig: signature.toString('base64') }],
  };

  const mode = options.tlog ?? 'proof-and-set';
  let tlogEntry: TlogEntry | undefined;
  const tlogEntries: unknown[] = [];
  if (mode !== 'none') {
    const envelopeForLog = {
      payload: statement.toString('base64'),
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      signatures: dsseEnvelope.signatures,
    };
    const body = dsseBody({
      envelopeHashHex: sha256(JSON.stringify(envelopeForLog)).toString('hex'),
      payloadHashHex: sha256(statement).toString('hex'),
      signature,
      verifierPem:
        options.tlogCertificateOverride !== undefined
          ? options.tlogCertificateOverride.certificatePem
          : verifierPemOf(options),
    });
    tlogEntry = services.logs[options.log ?? 'main'].append(body, options.integratedTime);
    tlogEntries.push(tlogEntryJson(tlogEntry, mode !== 'proof', mode !== 'set'));
  }

  const bundle: BundleJson = {
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: {
      ...(options.identity !== undefined
        ? { certificate: { rawBytes: options.identity.certificateDer.toString('base64') } }
        : { publicKey: { hint: sha256(options.key.spkiDer).toString('base64') } }),
      tlogEntries,
      ...(options.rfc3161 === undefined
        ? {}
        : {
            timestampVerificationData: {
              rfc3161Timestamps: [
                {
                  signedTimestamp: services.tsas[options.rfc3161]
                    .timestamp(signature, options.timestampedAt)
                    .toString('base64'),
                },
              ],
            },
          }),
    },
    dsseEnvelope,
  };
  return {
    kind: 'bundle',
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    bundle,
    bytes: Buffer.from(JSON.stringify(bundle)),
    statement,
    tlogEntry,
  };
}
