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

  describe('of policies without the provenance conditions', () => {
    // Computed by the service before PolicyInput gained the Fulcio claim and gh fields: adding
    // fields must not move the cache key of a policy that does not use them.
    it.each<[string, Policy, string]>([
      [
        'an exact identity and issuer',
        { certificateIdentity: IDENTITY, certificateOidcIssuer: ISSUER },
        'sha256:923ccda5a772dd3ac9d662fa4f6e50102c84cbdf5c3481815f0968822e39fa1d',
      ],
      [
        'a regexp, a workflow claim, an annotation and a flag',
        {
          certificateIdentityRegexp: '^https://github\\.com/acme/',
          certificateOidcIssuer: ISSUER,
          githubWorkflowRef: 'refs/heads/main',
          annotations: [{ key: 'env', value: 'prod' }],
          ignoreSct: true,
        },
        'sha256:bcc866097546c7ae0ddff624b4500edd679eeeb17375116d88c47f0b326c8999',
      ],
    ])('are unchanged for %s', (_what, policy, fingerprint) => {
      expect(policyFingerprint(policy)).toBe(fingerprint);
    });

    it('differ from the same policy with a provenance condition', () => {
      const base: Policy = { certificateIdentity: IDENTITY, certificateOidcIssuer: ISSUER };
      expect(policyFingerprint({ ...base, sourceRef: 'refs/heads/main' })).not.toBe(policyFingerprint(base));
      expect(policyFingerprint({ ...base, denySelfHostedRunners: true })).not.toBe(policyFingerprint(base));
    });
  });
});
