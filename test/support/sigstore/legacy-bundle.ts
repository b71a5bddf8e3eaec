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

/** Returns serialized-bundle JSON (feed it to `bundleFromJSON`). Keyless signatures only. */
export function legacyToBundleJson(
  payload: Uint8Array,
  annotations: Readonly<Record<string, string>>,
): unknown {
  const certificatePem = annotations[LEGACY_ANNOTATION.certificate];
  const signature = annotations[LEGACY_ANNOTATION.signature];
  if (certificatePem === undefined || signature === undefined)
    throw new Error('not a keyless legacy signature');
  const rekor = annotations[LEGACY_ANNOTATION.bundle];
  const tlogEntries =
    rekor === undefined
      ? []
      : [
          ((r: RekorBundleAnnotation) => ({
            logIndex: String(r.Payload.logIndex),
            logId: { keyId: Buffer.from(r.Payload.logID, 'hex').toString('base64') },
            kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
            integratedTime: String(r.Payload.integratedTime),
            inclusionPromise: { signedEntryTimestamp: r.SignedEntryTimestamp },
            canonicalizedBody: r.Payload.body,
          }))(JSON.parse(rekor) as RekorBundleAnnotation),
        ];
  return {
    mediaType: BUNDLE_V01_MEDIA_TYPE,
    verificationMaterial: {
      x509CertificateChain: {
        certificates: pemToDer(certificatePem).map((der) => ({ rawBytes: der.toString('base64') })),
      },
      tlogEntries,
    },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: sha256(payload).toString('base64') },
      signature,
    },
  };
}
