import type { RekorBundleAnnotation } from '../../discovery/types.js';
import { pemCertificatesToDer } from '../certificate/index.js';
import { SignatureCheckError } from '../errors.js';
import { bundleEntity } from './bundle-entity.js';
import { legacyTimeSources, type PreparedEntity } from './legacy-entity.js';

/** What a cosign legacy `.att` layer holds: a DSSE envelope plus cosign's layer annotations. */
export interface LegacyDsseMaterial {
  readonly payloadType: string;
  readonly payload: Uint8Array;
  readonly signatures: readonly { readonly keyid: string; readonly sig: string }[];
  readonly certificatePem: string | undefined;
  readonly rekorBundle: RekorBundleAnnotation | undefined;
  readonly rfc3161Timestamp: Uint8Array | undefined;
}

/**
 * Builds the signed entity of a legacy `.att` layer. The envelope and the leaf (or, with `byKey`, a
 * key hint) are put into a v0.3 bundle shape so that @sigstore/bundle validates them and
 * @sigstore/verify checks the DSSE signature over the PAE exactly as for a cosign v3 bundle; the log
 * entry (an `intoto` or `dsse` Rekor entry with its SET) and the TSA token come from the annotations,
 * as for `.sig` layers. One signature per envelope, as cosign writes and as bundles require.
 */
export function legacyDsseEntity(material: LegacyDsseMaterial, byKey: boolean): PreparedEntity {
  let key: Record<string, unknown>;
  if (byKey) {
    key = { publicKey: { hint: '' } };
  } else {
    if (material.certificatePem === undefined) {
      throw new SignatureCheckError('CERTIFICATE_MISSING', 'no certificate found on attestation');
    }
    const [der] = pemCertificatesToDer(material.certificatePem);
    if (der === undefined) {
      throw new SignatureCheckError('CERTIFICATE_INVALID', 'certificate annotation holds no PEM certificate');
    }
    key = { certificate: { rawBytes: der.toString('base64') } };
  }
  const prepared = bundleEntity(
    {
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: { ...key, tlogEntries: [] },
      dsseEnvelope: {
        payload: Buffer.from(material.payload).toString('base64'),
        payloadType: material.payloadType,
        signatures: material.signatures.map((s) => ({ keyid: s.keyid, sig: s.sig })),
      },
    },
    undefined,
  );
  return {
    entity: { ...prepared.entity, ...legacyTimeSources(material.rekorBundle, material.rfc3161Timestamp) },
    leafDer: prepared.leafDer,
  };
}
