/**
 * cosign's `--type` short names (`cmd/cosign/cli/options/predicate.go`), so a `cosign
 * verify-attestation --type slsaprovenance1` command line translates word for word. Anything else
 * is taken as a predicate type URI and compared exactly, as cosign does.
 */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  custom: 'https://cosign.sigstore.dev/attestation/v1',
  slsaprovenance: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance02: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
  link: 'https://in-toto.io/Link/v1',
  spdx: 'https://spdx.dev/Document',
  spdxjson: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  openvex: 'https://openvex.dev/ns',
};

/** Longest predicate type accepted: it is echoed in messages and part of cache keys. */
export const MAX_PREDICATE_TYPE_LENGTH = 1024;

/** A short name's URI, or the argument itself. Throws RangeError for an empty or oversized one. */
export function resolvePredicateType(nameOrUri: string): string {
  if (nameOrUri === '' || nameOrUri.length > MAX_PREDICATE_TYPE_LENGTH) {
    throw new RangeError(
      `predicateType must be a cosign short name or a URI of 1 to ${MAX_PREDICATE_TYPE_LENGTH} characters`,
    );
  }
  return Object.hasOwn(SHORT_NAMES, nameOrUri) ? (SHORT_NAMES[nameOrUri] as string) : nameOrUri;
}
