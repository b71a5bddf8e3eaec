import { describe, expect, it } from 'vitest';
import { RestProblem } from './problem.js';
import { parseVerifyRequest } from './verify-request.js';

const POLICY = {
  certificateIdentityRegexp: 'https://github.com/acme/.*',
  certificateOidcIssuer: 'https://token.actions.githubusercontent.com',
};

/** The field a parse failure names, or the value when it parses. */
function fieldOf(body: unknown): string | undefined {
  try {
    parseVerifyRequest(body);
    return undefined;
  } catch (error) {
    if (!(error instanceof RestProblem)) throw error;
    expect(error.problem.status).toBe(400);
    return error.problem.invalidParams?.[0]?.name;
  }
}

describe('parseVerifyRequest', () => {
  it('takes an image and a policy of cosign flags, dropping nulls as unset', () => {
    const parsed = parseVerifyRequest({
      image: 'alpine',
      policy: {
        ...POLICY,
        certificateIdentity: null,
        ignoreSct: true,
        annotations: [{ key: 'env', value: 'prod' }],
      },
    });
    expect(parsed).toEqual({
      image: 'alpine',
      policy: { ...POLICY, ignoreSct: true, annotations: [{ key: 'env', value: 'prod' }] },
      findSignedIndex: false,
    });
  });

  it('takes the provenance claims and the gh conditions, with the types they have', () => {
    const provenance = {
      sourceRepositoryRef: 'refs/tags/v1',
      sourceRepositoryRefRegexp: '^refs/tags/',
      deploymentEnvironment: 'production',
      tokenSubject: 'repo:acme/app:ref:refs/tags/v1',
      owner: 'acme',
      repo: 'acme/app',
      signerRepo: 'acme/workflows',
      signerWorkflow: 'acme/app/.github/workflows/release.yml',
      sourceRef: 'refs/tags/v1',
      sourceDigest: 'a'.repeat(40),
      signerDigest: 'b'.repeat(40),
      denySelfHostedRunners: true,
    };
    expect(parseVerifyRequest({ image: 'a', policy: { ...POLICY, ...provenance } }).policy).toEqual({
      ...POLICY,
      ...provenance,
    });
    expect(fieldOf({ image: 'a', policy: { ...POLICY, denySelfHostedRunners: 'yes' } })).toBe(
      'policy.denySelfHostedRunners',
    );
    expect(fieldOf({ image: 'a', policy: { ...POLICY, sourceRepositoryRef: 1 } })).toBe(
      'policy.sourceRepositoryRef',
    );
    // A regexp form only exists where the claim has one: digests are compared exactly.
    expect(fieldOf({ image: 'a', policy: { ...POLICY, buildSignerDigestRegexp: '.*' } })).toBe(
      'policy.buildSignerDigestRegexp',
    );
  });

  it('takes findSignedIndex as an opt-in boolean, off when absent or null', () => {
    expect(parseVerifyRequest({ image: 'a', policy: POLICY, findSignedIndex: true }).findSignedIndex).toBe(
      true,
    );
    expect(parseVerifyRequest({ image: 'a', policy: POLICY, findSignedIndex: null }).findSignedIndex).toBe(
      false,
    );
    expect(parseVerifyRequest({ image: 'a', policy: POLICY }).findSignedIndex).toBe(false);
  });

  it.each([
    ['not an object', [], 'body'],
    ['no image', { policy: POLICY }, 'image'],
    ['an empty image', { image: '', policy: POLICY }, 'image'],
    ['an image that is not a string', { image: 42, policy: POLICY }, 'image'],
    ['no policy', { image: 'alpine' }, 'policy'],
    ['a policy that is an array', { image: 'alpine', policy: [] }, 'policy'],
    ['an unknown top-level field', { image: 'alpine', policy: POLICY, extra: 1 }, 'extra'],
    [
      'findSignedIndex that is not a boolean',
      { image: 'alpine', policy: POLICY, findSignedIndex: 'yes' },
      'findSignedIndex',
    ],
    [
      'a misspelt policy field',
      { image: 'alpine', policy: { ...POLICY, certificateOidcIsuer: 'x' } },
      'policy.certificateOidcIsuer',
    ],
    ['a string flag given a number', { image: 'alpine', policy: { ...POLICY, key: 1 } }, 'policy.key'],
    [
      'a boolean flag given a string',
      { image: 'alpine', policy: { ...POLICY, ignoreTlog: 'true' } },
      'policy.ignoreTlog',
    ],
    [
      'annotations not an array',
      { image: 'alpine', policy: { ...POLICY, annotations: { env: 'prod' } } },
      'policy.annotations',
    ],
    [
      'an annotation with an extra field',
      { image: 'alpine', policy: { ...POLICY, annotations: [{ key: 'a', value: 'b', c: 1 }] } },
      'policy.annotations[0].c',
    ],
    [
      'an annotation key that is not a string',
      { image: 'alpine', policy: { ...POLICY, annotations: [{ key: 1, value: 'b' }] } },
      'policy.annotations[0].key',
    ],
  ])('refuses %s, naming the field', (_case, body, field) => {
    expect(fieldOf(body)).toBe(field);
  });

  it('takes trustRoot as one name or a list of names, as GraphQL coerces it', () => {
    expect(
      parseVerifyRequest({ image: 'alpine', policy: { ...POLICY, trustRoot: 'github' } }).policy.trustRoot,
    ).toEqual(['github']);
    expect(
      parseVerifyRequest({ image: 'alpine', policy: { ...POLICY, trustRoot: ['public-good', 'github'] } })
        .policy.trustRoot,
    ).toEqual(['public-good', 'github']);
    expect(fieldOf({ image: 'alpine', policy: { ...POLICY, trustRoot: [1] } })).toBe('policy.trustRoot');
    expect(fieldOf({ image: 'alpine', policy: { ...POLICY, trustRoot: { name: 'github' } } })).toBe(
      'policy.trustRoot',
    );
  });

  it('does not judge whether the policy is sufficient: that is validatePolicy, shared with GraphQL', () => {
    expect(fieldOf({ image: 'alpine', policy: {} })).toBeUndefined();
  });
});
