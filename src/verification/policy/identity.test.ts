import { describe, expect, it } from 'vitest';
import { NO_FULCIO_CLAIMS } from '../fulcio-claims.js';
import type { Policy, SignerIdentity } from '../types.js';
import { compilePolicy } from './compile-policy.js';
import { checkIdentity } from './identity.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
const SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';

function identity(overrides: Partial<SignerIdentity> = {}): SignerIdentity {
  return {
    subjectAlternativeName: SAN,
    issuer: ISSUER,
    githubWorkflowTrigger: undefined,
    githubWorkflowSha: undefined,
    githubWorkflowName: undefined,
    githubWorkflowRepository: undefined,
    githubWorkflowRef: undefined,
    ...NO_FULCIO_CLAIMS,
    ...overrides,
  };
}

function check(policy: Policy, id: SignerIdentity = identity(), sans?: string[]) {
  const facts = { identity: id, subjectAlternativeNames: sans ?? [id.subjectAlternativeName ?? ''] };
  return checkIdentity(compilePolicy(policy), facts);
}

describe('checkIdentity', () => {
  it('passes when the exact identity and issuer match', () => {
    expect(check({ certificateIdentity: SAN, certificateOidcIssuer: ISSUER })).toEqual([]);
  });

  describe('when the issuer does not match', () => {
    it('reports expected/got in cosign wording', () => {
      expect(
        check({ certificateIdentity: SAN, certificateOidcIssuer: 'https://accounts.google.com' }),
      ).toEqual([
        {
          code: 'ISSUER_MISMATCH',
          message: `expected issuer value "https://accounts.google.com", got "${ISSUER}"`,
        },
      ]);
    });

    it('reports the regex form in cosign wording', () => {
      expect(
        check({ certificateIdentity: SAN, certificateOidcIssuerRegexp: '^https://gitlab\\.com$' }),
      ).toEqual([
        {
          code: 'ISSUER_MISMATCH',
          message: `expected issuer value to match regex "^https://gitlab\\.com$", got "${ISSUER}"`,
        },
      ]);
    });

    it('reports an empty got when the certificate has no issuer extension', () => {
      const issues = check(
        { certificateIdentity: SAN, certificateOidcIssuer: ISSUER },
        identity({ issuer: undefined }),
      );
      expect(issues).toEqual([
        { code: 'ISSUER_MISMATCH', message: `expected issuer value "${ISSUER}", got ""` },
      ]);
    });
  });

  describe('when the identity does not match', () => {
    it('reports expected/got in cosign wording', () => {
      expect(check({ certificateIdentity: 'someone@example.com', certificateOidcIssuer: ISSUER })).toEqual([
        { code: 'IDENTITY_MISMATCH', message: `expected SAN value "someone@example.com", got "${SAN}"` },
      ]);
    });

    it('reports the regex form in cosign wording', () => {
      expect(
        check({ certificateIdentityRegexp: '^https://github\\.com/other/', certificateOidcIssuer: ISSUER }),
      ).toEqual([
        {
          code: 'IDENTITY_MISMATCH',
          message: `expected SAN value to match regex "^https://github\\.com/other/", got "${SAN}"`,
        },
      ]);
    });
  });

  describe('an exact identity (the @sigstore/verify gap)', () => {
    it('is compared for equality, never as a regexp: acme/app does not accept acme/app-evil', () => {
      const evil = 'https://github.com/acme/app-evil/.github/workflows/release.yml@refs/heads/main';
      const issues = check(
        { certificateIdentity: 'https://github.com/acme/app', certificateOidcIssuer: ISSUER },
        identity({ subjectAlternativeName: evil }),
      );
      expect(issues.map((i) => i.code)).toEqual(['IDENTITY_MISMATCH']);
    });

    it('treats regexp metacharacters in it literally', () => {
      const issues = check({
        certificateIdentity: 'https://github.com/acme/app/.*',
        certificateOidcIssuer: ISSUER,
      });
      expect(issues.map((i) => i.code)).toEqual(['IDENTITY_MISMATCH']);
    });
  });

  describe('an identity regexp', () => {
    it('matches unanchored, like cosign', () => {
      expect(check({ certificateIdentityRegexp: 'acme/app', certificateOidcIssuer: ISSUER })).toEqual([]);
    });

    it('accepts when any of several SANs matches, like cosign', () => {
      const issues = check(
        { certificateIdentity: 'second@example.com', certificateOidcIssuer: ISSUER },
        identity({ subjectAlternativeName: 'first@example.com' }),
        ['first@example.com', 'second@example.com'],
      );
      expect(issues).toEqual([]);
    });
  });

  it('reports issuer and identity failures together', () => {
    expect(check({ certificateIdentity: 'x', certificateOidcIssuer: 'y' }).map((i) => i.code)).toEqual([
      'ISSUER_MISMATCH',
      'IDENTITY_MISMATCH',
    ]);
  });
});
