import { createHash } from 'node:crypto';
import type { AttestationDiscoveryResult } from '../../src/attestations/discovery/index.js';
import { bundleAttestation } from '../../src/attestations/discovery/bundle-attestations.js';
import { readSigstoreBundle, SIGSTORE_BUNDLE_V03_MEDIA_TYPE } from '../../src/discovery/index.js';

/**
 * What attestation discovery would hand on for `bytes` stored as a bundle referrer of `subjectDigest`
 * (read by discovery's own bundle reader, as from a registry layer). The digests of a referrer
 * manifest and layer that do not exist here are stand-ins: sha256 of the bundle.
 */
export function discoverAttestationsFrom(bytes: Buffer, subjectDigest: string): AttestationDiscoveryResult {
  const contents = readSigstoreBundle(bytes, { subjectDigest, maxBytes: 1024 * 1024 });
  const standIn = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const attestation = bundleAttestation(
    {
      kind: 'bundle-referrer',
      subjectDigest,
      manifestDigest: standIn,
      layerDigest: standIn,
      bundleMediaType: SIGSTORE_BUNDLE_V03_MEDIA_TYPE,
      bundle: contents.bundle,
      payloadType: contents.payloadType,
      claims: contents.claims,
      annotations: {},
    },
    1024 * 1024,
  );
  return { subjectDigest, attestations: [attestation], problems: [], unsignedProblems: [] };
}
