/** Finding in-toto attestations of a manifest digest where cosign, Sigstore bundles and BuildKit store them. */
export { discoverAttestations, type AttestationDiscoveryRequest } from './discover-attestations.js';
export { parseStatement, subjectSha256Digests, MAX_STATEMENT_SUBJECTS } from './statement.js';
export { parseDsseEnvelope } from './dsse-envelope.js';
export * from './media-types.js';
export type * from './types.js';
