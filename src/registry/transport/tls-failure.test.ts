import { describe, expect, it } from 'vitest';
import { tlsFailureOf, tlsUntrustedError } from './tls-failure.js';

const tlsError = (code: string) => Object.assign(new Error(`tls: ${code}`), { code });

describe('tlsFailureOf', () => {
  it.each([
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'is not issued by a certificate authority this service trusts', true],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'chains to a self-signed root this service does not trust', true],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'is self-signed and not trusted by this service', true],
    ['CERT_HAS_EXPIRED', 'has expired', false],
    ['CERT_NOT_YET_VALID', 'is not valid yet', false],
    ['ERR_TLS_CERT_ALTNAME_INVALID', "does not name the registry's host", false],
  ])('names %s: the certificate %s', (code, problem, untrustedIssuer) => {
    expect(tlsFailureOf(tlsError(code))).toEqual({ code, problem, untrustedIssuer });
  });

  it('finds a certificate failure wrapped as the cause of another error', () => {
    const wrapped = new Error('fetch failed', { cause: tlsError('CERT_HAS_EXPIRED') });
    expect(tlsFailureOf(wrapped)?.code).toBe('CERT_HAS_EXPIRED');
  });

  it('leaves network trouble alone: it may pass, so it stays retryable', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'UND_ERR_SOCKET']) {
      expect(tlsFailureOf(tlsError(code))).toBeUndefined();
    }
    expect(tlsFailureOf('not an error')).toBeUndefined();
  });
});

describe('tlsUntrustedError', () => {
  it('is REGISTRY_TLS_UNTRUSTED, never temporary, and says how to trust a private CA only when that helps', () => {
    const untrusted = tlsFailureOf(tlsError('UNABLE_TO_GET_ISSUER_CERT_LOCALLY'));
    const expired = tlsFailureOf(tlsError('CERT_HAS_EXPIRED'));
    if (untrusted === undefined || expired === undefined) throw new Error('expected both to be TLS failures');
    const a = tlsUntrustedError(untrusted, 'manifest r.example/app:v1', undefined);
    expect(a).toMatchObject({ code: 'REGISTRY_TLS_UNTRUSTED', temporary: false });
    expect(a.message).toBe(
      "cannot read manifest r.example/app:v1: the registry's TLS certificate is not issued by a certificate " +
        'authority this service trusts (UNABLE_TO_GET_ISSUER_CERT_LOCALLY); if the registry uses a private CA, ' +
        'give its certificate to the service with IMPRIMATUR_REGISTRY_CA_FILE',
    );
    expect(tlsUntrustedError(expired, 'blob x', undefined).message).toBe(
      "cannot read blob x: the registry's TLS certificate has expired (CERT_HAS_EXPIRED)",
    );
  });
});
