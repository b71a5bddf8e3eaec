import { describe, expect, it } from 'vitest';
import type { PayloadClaims } from '../../discovery/types.js';
import { NO_FULCIO_CLAIMS } from '../fulcio-claims.js';
import type { SignerIdentity } from '../types.js';
import { checkGithubClaims } from './github-claims.js';
import { checkAnnotations, checkDigestClaim } from './payload-claims.js';

const DIGEST = 'sha256:' + 'a'.repeat(64);
const claims = (overrides: Partial<PayloadClaims> = {}): PayloadClaims => ({
  dockerManifestDigest: DIGEST,
  dockerReference: 'registry.example/app',
  type: 'cosign container image signature',
  optional: { env: 'prod', build: 7 },
  ...overrides,
});

describe('checkDigestClaim', () => {
  it('passes when the payload names this exact digest', () => {
    expect(checkDigestClaim(claims(), DIGEST)).toEqual([]);
  });

  describe('when the payload names another digest', () => {
    it('reports DIGEST_MISMATCH in cosign wording', () => {
      const other = 'sha256:' + 'b'.repeat(64);
      expect(checkDigestClaim(claims({ dockerManifestDigest: other }), DIGEST)).toEqual([
        { code: 'DIGEST_MISMATCH', message: `invalid or missing digest in claim: ${other}` },
      ]);
    });
  });

  it('reports a missing digest claim', () => {
    expect(checkDigestClaim(claims({ dockerManifestDigest: undefined }), DIGEST)).toEqual([
      { code: 'DIGEST_MISMATCH', message: 'invalid or missing digest in claim: ' },
    ]);
  });
});

describe('checkAnnotations', () => {
  it('passes when every required annotation is present with that value', () => {
    expect(checkAnnotations({ annotations: [{ key: 'env', value: 'prod' }] }, claims())).toEqual([]);
  });

  it('passes when no annotations are required', () => {
    expect(checkAnnotations({}, claims({ optional: {} }))).toEqual([]);
  });

  it.each([
    ['a different value', [{ key: 'env', value: 'dev' }]],
    ['a missing key', [{ key: 'team', value: 'x' }]],
    ['a non-string value, even if it prints the same', [{ key: 'build', value: '7' }]],
    ['an inherited property name', [{ key: 'toString', value: 'x' }]],
  ])('reports ANNOTATION_MISMATCH in cosign wording for %s', (_name, annotations) => {
    expect(checkAnnotations({ annotations }, claims())).toEqual([
      { code: 'ANNOTATION_MISMATCH', message: 'missing or incorrect annotation' },
    ]);
  });
});

describe('checkGithubClaims', () => {
  const identity: SignerIdentity = {
    subjectAlternativeName: 'https://github.com/acme/app/.github/workflows/r.yml@refs/tags/v1',
    issuer: 'https://token.actions.githubusercontent.com',
    githubWorkflowTrigger: 'push',
    githubWorkflowSha: 'c'.repeat(40),
    githubWorkflowName: 'release',
    githubWorkflowRepository: 'acme/app',
    githubWorkflowRef: 'refs/tags/v1',
    ...NO_FULCIO_CLAIMS,
  };

  it('passes when every requested claim matches', () => {
    expect(
      checkGithubClaims(
        {
          githubWorkflowTrigger: 'push',
          githubWorkflowSha: 'c'.repeat(40),
          githubWorkflowName: 'release',
          githubWorkflowRepository: 'acme/app',
          githubWorkflowRef: 'refs/tags/v1',
        },
        identity,
      ),
    ).toEqual([]);
  });

  it.each([
    ['githubWorkflowTrigger', 'Trigger'],
    ['githubWorkflowSha', 'SHA'],
    ['githubWorkflowName', 'Name'],
    ['githubWorkflowRepository', 'Repository'],
    ['githubWorkflowRef', 'Ref'],
  ] as const)('reports a %s mismatch in cosign wording', (field, label) => {
    expect(checkGithubClaims({ [field]: 'other' }, identity)).toEqual([
      {
        code: 'GITHUB_CLAIM_MISMATCH',
        message: `expected GitHub Workflow ${label} not found in certificate`,
      },
    ]);
  });

  it('compares case-sensitively', () => {
    expect(checkGithubClaims({ githubWorkflowRepository: 'ACME/app' }, identity)).toHaveLength(1);
  });

  it('fails a requested claim the certificate does not carry', () => {
    expect(
      checkGithubClaims({ githubWorkflowTrigger: 'push' }, { ...identity, githubWorkflowTrigger: undefined }),
    ).toHaveLength(1);
  });
});
