import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity } from '@sigstore/verify';
import { EncodedCertificate } from '../certificate/index.js';
import type { PreparedEntity } from './legacy-entity.js';

/**
 * Validates an untrusted bundle JSON with @sigstore/bundle (throws ValidationError on anything
 * malformed) and turns it into a signed entity. DSSE bundles (what cosign v3 attaches to images)
 * carry their own payload; message-signature bundles need the signed artifact bytes.
 */
export function bundleEntity(json: unknown, artifact: Buffer | undefined): PreparedEntity {
  const bundle = bundleFromJSON(json);
  if (bundle.content.$case === 'messageSignature' && artifact === undefined) {
    throw new Error('message-signature bundle without the signed artifact');
  }
  const signed = toSignedEntity(bundle, artifact);
  // The same leaf, encoded once for the chain builder, which would otherwise re-encode it a dozen times.
  const entity =
    signed.key.$case === 'certificate'
      ? { ...signed, key: { ...signed.key, certificate: EncodedCertificate.from(signed.key.certificate) } }
      : signed;
  const material = bundle.verificationMaterial.content;
  let leafDer: Buffer | undefined;
  switch (material.$case) {
    case 'x509CertificateChain':
      leafDer = material.x509CertificateChain.certificates[0]?.rawBytes;
      break;
    case 'certificate':
      leafDer = material.certificate.rawBytes;
      break;
    case 'publicKey':
      leafDer = undefined;
      break;
  }
  return { entity, leafDer };
}
