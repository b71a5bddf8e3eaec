import { sha256 } from './keys.js';
import { LEGACY_ANNOTATION } from './legacy.js';

/**
 * The test oracle's bridge from cosign's legacy layer annotations to a Sigstore bundle, so that
 * @sigstore/verify can judge fixtures: a v0.1 message-signature bundle (hashedrekord 0.0.1 entry,
 * `inclusionPromise` = the SET, no inclusion proof), which is what cosign's bundle annotation holds.
 * It reads only the stored annotations and payload, as a verifier would.
 */
export const BUNDLE_V01_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle+json;version=0.1';

function pemToDer(pem: string): Buffer[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => Buffer.from(block.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'));
}

interface RekorBundleAnnotation {
  SignedEntryTimestamp: string;
  Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
}

/**
 * Returns serialized-bundle JSON (feed it to `bundleFromJSON`). Keyless signatures use the certificate
 * annotation; key-based ones need `keyHint`, the name under which the verifier's trust material holds
 * the public key.
 */
export function legacyToBundleJson(
  payload: Uint8Array,
  annotations: Readonly<Record<string, string>>,
  options: { readonly keyHint?: string } = {},
): unknown {
  const certificatePem = annotations[LEGACY_ANNOTATION.certificate];
  const signature = annotations[LEGACY_ANNOTATION.signature];
  if (signature === undefined) throw new Error('no signature annotation');
  if (certificatePem === undefined && options.keyHint === undefined)
    throw new Error('no certificate and no key hint');
  const rekor = annotations[LEGACY_ANNOTATION.bundle];
  const rfc3161 = annotations[LEGACY_ANNOTATION.rfc3161Timestamp];
  const tlogEntries = rekor === undefined ? [] : [tlogEntryFrom(JSON.parse(rekor) as RekorBundleAnnotation)];
  return {
    mediaType: BUNDLE_V01_MEDIA_TYPE,
    verificationMaterial: {
      ...(certificatePem !== undefined
        ? {
            x509CertificateChain: {
              certificates: pemToDer(certificatePem).map((der) => ({ rawBytes: der.toString('base64') })),
            },
          }
        : { publicKey: { hint: options.keyHint } }),
      tlogEntries,
      ...(rfc3161 === undefined
        ? {}
        : {
            timestampVerificationData: {
              rfc3161Timestamps: [
                {
                  signedTimestamp: (JSON.parse(rfc3161) as { SignedRFC3161Timestamp: string })
                    .SignedRFC3161Timestamp,
                },
              ],
            },
          }),
    },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: sha256(payload).toString('base64') },
      signature,
    },
  };
}

/** cosign's annotation carries body (base64), integrated time, index and hex log ID: a v0.1 entry. */
function tlogEntryFrom(r: RekorBundleAnnotation): unknown {
  return {
    logIndex: String(r.Payload.logIndex),
    logId: { keyId: Buffer.from(r.Payload.logID, 'hex').toString('base64') },
    kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
    integratedTime: String(r.Payload.integratedTime),
    inclusionPromise: { signedEntryTimestamp: r.SignedEntryTimestamp },
    canonicalizedBody: r.Payload.body,
  };
}
