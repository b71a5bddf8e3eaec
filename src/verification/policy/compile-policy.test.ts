import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PolicyError } from '../errors.js';
import { compilePolicy, validatePolicy } from './compile-policy.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
const pem = (k: ReturnType<typeof generateKeyPairSync>['publicKey']) =>
  k.export({ type: 'spki', format: 'pem' }).toString();

describe('validatePolicy', () => {
  describe('for keyless verification', () => {
    it('accepts an exact identity with an exact issuer', () => {
      const policy = { certificateIdentity: 'a@example.com', certificateOidcIssuer: ISSUER };
      expect(validatePolicy(policy)).toBe(policy);
    });

    it('accepts regexp forms of both', () => {
      expect(() =>
        validatePolicy({
          certificateIdentityRegexp: '^https://github\\.com/acme/',
          certificateOidcIssuerRegexp: '.*',
        }),
      ).not.toThrow();
    });

    it.each([
      ['no identity', { certificateOidcIssuer: ISSUER }],
      ['no issuer', { certificateIdentity: 'a@example.com' }],
      ['nothing at all', {}],
      ['empty strings only', { certificateIdentity: '', certificateOidcIssuer: '' }],
    ])('rejects a policy with %s, like cosign', (_name, policy) => {
      expect(() => validatePolicy(policy)).toThrowError(PolicyError);
      expect(() => validatePolicy(policy)).toThrowError(/requires certificateIdentity/);
    });

    it('rejects an identity regexp RE2 cannot compile', () => {
      expect(() =>
        validatePolicy({ certificateIdentityRegexp: '(x)\\1', certificateOidcIssuer: ISSUER }),
      ).toThrowError(/certificateIdentityRegexp is not a valid RE2/);
    });

    it('rejects an issuer regexp RE2 cannot compile', () => {
      expect(() =>
        validatePolicy({ certificateIdentity: 'a', certificateOidcIssuerRegexp: '(?=x)' }),
      ).toThrowError(/certificateOidcIssuerRegexp is not a valid RE2/);
    });
  });

  describe('for key-based verification', () => {
    it.each([
      ['ECDSA P-256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey],
      ['ECDSA P-384', generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey],
      ['Ed25519', generateKeyPairSync('ed25519').publicKey],
      ['RSA', generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey],
    ])('accepts a %s public key without identity', (_name, key) => {
      expect(compilePolicy({ key: pem(key) }).key?.type).toBe('public');
    });

    it('rejects text that is not a PEM public key', () => {
      expect(() => validatePolicy({ key: 'not a key' })).toThrowError(/PEM "PUBLIC KEY"/);
    });

    it('rejects a PEM public key that does not decode', () => {
      expect(() =>
        validatePolicy({ key: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' }),
      ).toThrowError(/not a valid PEM public key/);
    });

    it('rejects an unsupported key type', () => {
      const x25519 = generateKeyPairSync('x25519').publicKey;
      expect(() => validatePolicy({ key: pem(x25519) })).toThrowError(/not supported/);
    });

    it('rejects a key combined with an identity, instead of silently ignoring the identity', () => {
      const key = pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
      expect(() => validatePolicy({ key, certificateIdentity: 'a@example.com' })).toThrowError(
        /mutually exclusive/,
      );
    });
  });
});
