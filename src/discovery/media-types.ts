/**
 * The names cosign writes into registries. Spelled out once, so a typo cannot make a signature
 * invisible (which would turn "signed" into "unsigned").
 */

/** Media type of one legacy signature layer: the simple-signing payload itself. */
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';

/** artifactType of a cosign v3 bundle referrer, and media type of its single layer. */
export const SIGSTORE_BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/** Every Sigstore bundle media type starts so (cosign accepts any version from v0.2 on the layer). */
export const SIGSTORE_BUNDLE_MEDIA_TYPE_PREFIX = 'application/vnd.dev.sigstore.bundle';

/** The OCI empty descriptor's media type: cosign's bundle referrers use it for their `{}` config. */
export const OCI_EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';

/** DSSE payload type of an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** Layer annotations of a legacy signature (cosign `pkg/oci/static`). */
export const ANNOTATION = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
  rfc3161Timestamp: 'dev.sigstore.cosign/rfc3161timestamp',
} as const;

/** `sha256:<hex>` → cosign's legacy signature tag `sha256-<hex>.sig`. */
export function legacySignatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`;
}
