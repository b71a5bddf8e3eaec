import { describe, expect, it } from 'vitest';
import type { Policy } from '../verification/types.js';
import { canonicalJson, policyFingerprint } from './canonical-policy.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';

describe('policy fingerprints', () => {
  it('are the same whatever order the policy was written in', () => {
    const a: Policy = { certificateIdentity: IDENTITY, certificateOidcIssuer: ISSUER };
    const b: Policy = { certificateOidcIssuer: ISSUER, certificateIdentity: IDENTITY };
    expect(policyFingerprint(a)).toBe(policyFingerprint(b));
  });

  it('sort keys inside nested objects too', () => {
    expect(canonicalJson({ b: { y: 1, x: [{ d: 1, c: 2 }] }, a: null })).toBe(
      '{"a":null,"b":{"x":[{"c":2,"d":1}],"y":1}}',
    );
  });

  it('ignore members that are undefined, as JSON does', () => {
    const a: Policy = { certificateIdentity: IDENTITY, key: undefined };
    expect(policyFingerprint(a)).toBe(policyFingerprint({ certificateIdentity: IDENTITY }));
  });

  it.each<[string, Policy]>([
    ['another identity', { certificateIdentity: `${IDENTITY}x`, certificateOidcIssuer: ISSUER }],
    [
      'another issuer',
      { certificateIdentity: IDENTITY, certificateOidcIssuer: 'https://accounts.google.com' },
    ],
    [
      'the identity as a regexp instead',
      { certificateIdentityRegexp: IDENTITY, certificateOidcIssuer: ISSUER },
    ],
    [
      'an extra required annotation',
      {
        certificateIdentity: IDENTITY,
        certificateOidcIssuer: ISSUER,
        annotations: [{ key: 'a', value: 'b' }],
      },
    ],
    ['ignoreTlog', { certificateIdentity: IDENTITY, certificateOidcIssuer: ISSUER, ignoreTlog: true }],
  ])('differ for %s', (_what, other) => {
    const base: Policy = { certificateIdentity: IDENTITY, certificateOidcIssuer: ISSUER };
    expect(policyFingerprint(other)).not.toBe(policyFingerprint(base));
  });

  it('cannot be made to collide by moving text between fields', () => {
    expect(policyFingerprint({ certificateIdentity: 'a","certificateOidcIssuer":"b' })).not.toBe(
      policyFingerprint({ certificateIdentity: 'a', certificateOidcIssuer: 'b' }),
    );
  });
});
