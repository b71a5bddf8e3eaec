/**
 * Fulcio's provider-generic certificate claims, OIDs 1.3.6.1.4.1.57264.1.9–.24 (fulcio
 * `docs/oid-info.md`), each a DER string in the extension value. One table, read by the certificate
 * parser (which OID), the policy checks (which name in messages, whether a regexp form exists) and
 * the documentation, so the three cannot drift apart.
 *
 * `name` is the field name in sigstore-go's `certificate.Extensions`, which is what `gh attestation
 * verify` prints in its messages (`expected SourceRepositoryRef to be X, got Y`).
 */
export const FULCIO_CLAIMS = [
  { field: 'buildSignerUri', oid: '1.3.6.1.4.1.57264.1.9', name: 'BuildSignerURI', regexp: true },
  { field: 'buildSignerDigest', oid: '1.3.6.1.4.1.57264.1.10', name: 'BuildSignerDigest', regexp: false },
  { field: 'runnerEnvironment', oid: '1.3.6.1.4.1.57264.1.11', name: 'RunnerEnvironment', regexp: false },
  { field: 'sourceRepositoryUri', oid: '1.3.6.1.4.1.57264.1.12', name: 'SourceRepositoryURI', regexp: true },
  {
    field: 'sourceRepositoryDigest',
    oid: '1.3.6.1.4.1.57264.1.13',
    name: 'SourceRepositoryDigest',
    regexp: false,
  },
  { field: 'sourceRepositoryRef', oid: '1.3.6.1.4.1.57264.1.14', name: 'SourceRepositoryRef', regexp: true },
  {
    field: 'sourceRepositoryIdentifier',
    oid: '1.3.6.1.4.1.57264.1.15',
    name: 'SourceRepositoryIdentifier',
    regexp: false,
  },
  {
    field: 'sourceRepositoryOwnerUri',
    oid: '1.3.6.1.4.1.57264.1.16',
    name: 'SourceRepositoryOwnerURI',
    regexp: true,
  },
  {
    field: 'sourceRepositoryOwnerIdentifier',
    oid: '1.3.6.1.4.1.57264.1.17',
    name: 'SourceRepositoryOwnerIdentifier',
    regexp: false,
  },
  { field: 'buildConfigUri', oid: '1.3.6.1.4.1.57264.1.18', name: 'BuildConfigURI', regexp: true },
  { field: 'buildConfigDigest', oid: '1.3.6.1.4.1.57264.1.19', name: 'BuildConfigDigest', regexp: false },
  { field: 'buildTrigger', oid: '1.3.6.1.4.1.57264.1.20', name: 'BuildTrigger', regexp: false },
  { field: 'runInvocationUri', oid: '1.3.6.1.4.1.57264.1.21', name: 'RunInvocationURI', regexp: true },
  {
    field: 'sourceRepositoryVisibilityAtSigning',
    oid: '1.3.6.1.4.1.57264.1.22',
    name: 'SourceRepositoryVisibilityAtSigning',
    regexp: false,
  },
  {
    field: 'deploymentEnvironment',
    oid: '1.3.6.1.4.1.57264.1.23',
    name: 'DeploymentEnvironment',
    regexp: false,
  },
  { field: 'tokenSubject', oid: '1.3.6.1.4.1.57264.1.24', name: 'TokenSubject', regexp: true },
] as const;

export type FulcioClaimField = (typeof FULCIO_CLAIMS)[number]['field'];

/** The claims with a `…Regexp` policy field: the URIs, the ref and the token subject (patterns of them are common). */
export type FulcioClaimRegexpField =
  `${Extract<(typeof FULCIO_CLAIMS)[number], { regexp: true }>['field']}Regexp`;

/** What a certificate says in the provider-generic claims; undefined when the extension is absent or unreadable. */
export type FulcioClaims = { readonly [F in FulcioClaimField]: string | undefined };

/** A certificate with none of the claims (key-based signatures, e-mail identities, old certificates). */
export const NO_FULCIO_CLAIMS: FulcioClaims = Object.freeze(
  Object.fromEntries(FULCIO_CLAIMS.map((c) => [c.field, undefined])) as FulcioClaims,
);
