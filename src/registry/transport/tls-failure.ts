import { RegistryError } from '../errors.js';

/**
 * Certificate failures of a TLS handshake with a registry, told apart from network trouble. A
 * connection refused or reset may work a moment later; a certificate nobody trusts, an expired one
 * or one for another host will fail identically on every retry, and the operator (not the caller's
 * patience) is what fixes it. So these get their own code, are never retried, and say which problem
 * it is in words. Codes are OpenSSL's verify errors as Node reports them (`err.code`), and Node's own
 * for a name mismatch.
 */
export interface TlsFailure {
  /** The OpenSSL / Node code, e.g. `UNABLE_TO_VERIFY_LEAF_SIGNATURE`. */
  readonly code: string;
  /** What is wrong with the certificate, completing "the registry's TLS certificate …". */
  readonly problem: string;
  /** True when trusting a private CA would fix it (the chain does not end at a trusted root). */
  readonly untrustedIssuer: boolean;
}

const UNTRUSTED_ISSUER = 'is not issued by a certificate authority this service trusts';

const PROBLEMS: ReadonlyMap<string, { readonly problem: string; readonly untrustedIssuer: boolean }> =
  new Map([
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', { problem: UNTRUSTED_ISSUER, untrustedIssuer: true }],
    ['UNABLE_TO_GET_ISSUER_CERT', { problem: UNTRUSTED_ISSUER, untrustedIssuer: true }],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', { problem: UNTRUSTED_ISSUER, untrustedIssuer: true }],
    [
      'SELF_SIGNED_CERT_IN_CHAIN',
      { problem: 'chains to a self-signed root this service does not trust', untrustedIssuer: true },
    ],
    ['CERT_UNTRUSTED', { problem: UNTRUSTED_ISSUER, untrustedIssuer: true }],
    [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      { problem: 'is self-signed and not trusted by this service', untrustedIssuer: true },
    ],
    ['CERT_HAS_EXPIRED', { problem: 'has expired', untrustedIssuer: false }],
    ['CERT_NOT_YET_VALID', { problem: 'is not valid yet', untrustedIssuer: false }],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      { problem: "does not name the registry's host", untrustedIssuer: false },
    ],
    ['CERT_REVOKED', { problem: 'has been revoked', untrustedIssuer: false }],
    ['CERT_SIGNATURE_FAILURE', { problem: 'has an invalid signature', untrustedIssuer: false }],
    ['CERT_CHAIN_TOO_LONG', { problem: 'has too long a chain', untrustedIssuer: false }],
    ['INVALID_CA', { problem: 'is issued by a certificate that is not a CA', untrustedIssuer: false }],
    ['INVALID_PURPOSE', { problem: 'is not meant for TLS servers', untrustedIssuer: false }],
    ['CERT_REJECTED', { problem: 'was rejected', untrustedIssuer: false }],
    [
      'ERROR_IN_CERT_NOT_BEFORE_FIELD',
      { problem: 'has an unreadable validity period', untrustedIssuer: false },
    ],
    [
      'ERROR_IN_CERT_NOT_AFTER_FIELD',
      { problem: 'has an unreadable validity period', untrustedIssuer: false },
    ],
  ]);

/** The certificate failure in `error` or its causes (undici may wrap the socket's error), if any. */
export function tlsFailureOf(error: unknown): TlsFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    const known = typeof code === 'string' ? PROBLEMS.get(code) : undefined;
    if (known !== undefined) return { code: code as string, ...known };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * `REGISTRY_TLS_UNTRUSTED`, not temporary (so never retried): names the problem and, when the issuer
 * is what is not trusted, how an operator trusts a private CA.
 */
export function tlsUntrustedError(failure: TlsFailure, what: string, cause: unknown): RegistryError {
  const hint = failure.untrustedIssuer
    ? '; if the registry uses a private CA, give its certificate to the service with IMPRIMATUR_REGISTRY_CA_FILE'
    : '';
  return new RegistryError(
    'REGISTRY_TLS_UNTRUSTED',
    `cannot read ${what}: the registry's TLS certificate ${failure.problem} (${failure.code})${hint}`,
    { temporary: false, cause },
  );
}
