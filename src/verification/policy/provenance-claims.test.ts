import { describe, expect, it } from 'vitest';
import { PolicyError } from '../errors.js';
import { FULCIO_CLAIMS, NO_FULCIO_CLAIMS, type FulcioClaims } from '../fulcio-claims.js';
import type { Policy, SignerIdentity } from '../types.js';
import { compilePolicy } from './compile-policy.js';
import { signerWorkflowPattern } from './compile-provenance.js';
import { checkProvenance } from './provenance-claims.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
const SHA = 'c0ffee'.padEnd(40, '1');
const WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.3';

/** What public-good Fulcio writes for acme/app's release workflow on tag v1.2.3. */
const CLAIMS: FulcioClaims = {
  buildSignerUri: WORKFLOW,
  buildSignerDigest: SHA,
  runnerEnvironment: 'github-hosted',
  sourceRepositoryUri: 'https://github.com/acme/app',
  sourceRepositoryDigest: SHA,
  sourceRepositoryRef: 'refs/tags/v1.2.3',
  sourceRepositoryIdentifier: '123456789',
  sourceRepositoryOwnerUri: 'https://github.com/acme',
  sourceRepositoryOwnerIdentifier: '987654',
  buildConfigUri: WORKFLOW,
  buildConfigDigest: SHA,
  buildTrigger: 'push',
  runInvocationUri: 'https://github.com/acme/app/actions/runs/1536140711/attempts/1',
  sourceRepositoryVisibilityAtSigning: 'public',
  deploymentEnvironment: 'production',
  tokenSubject: 'repo:acme/app:ref:refs/tags/v1.2.3',
};

function identity(overrides: Partial<SignerIdentity> = {}): SignerIdentity {
  return {
    subjectAlternativeName: WORKFLOW,
    issuer: ISSUER,
    githubWorkflowTrigger: undefined,
    githubWorkflowSha: undefined,
    githubWorkflowName: undefined,
    githubWorkflowRepository: undefined,
    githubWorkflowRef: undefined,
    ...CLAIMS,
    ...overrides,
  };
}

/** Checks `conditions` (with an issuer, and the exact SAN unless the conditions name the signer). */
function check(conditions: Policy, id: SignerIdentity = identity()) {
  const policy: Policy = { certificateOidcIssuer: ISSUER, ...conditions };
  const facts = { identity: id, subjectAlternativeNames: [id.subjectAlternativeName ?? ''] };
  return checkProvenance(compilePolicy(policy), facts);
}
const withSan = (conditions: Policy): Policy => ({ certificateIdentity: WORKFLOW, ...conditions });

describe('checkProvenance', () => {
  it('passes when every exact claim matches', () => {
    expect(check(withSan({ ...CLAIMS }))).toEqual([]);
  });

  it('checks nothing for a policy without provenance conditions', () => {
    expect(check(withSan({}), identity({ ...NO_FULCIO_CLAIMS }))).toEqual([]);
  });

  describe('each exact claim', () => {
    it.each(FULCIO_CLAIMS.map((c) => [c.field, c.name] as const))(
      'reports a %s mismatch as gh does: `expected %s to be X, got Y`',
      (field, name) => {
        expect(check(withSan({ [field]: 'other' }))).toEqual([
          {
            code: 'CERTIFICATE_CLAIM_MISMATCH',
            message: `expected ${name} to be other, got ${CLAIMS[field]}`,
          },
        ]);
      },
    );

    it.each(FULCIO_CLAIMS.map((c) => [c.field, c.name] as const))(
      'fails %s when the certificate lacks it, with an empty got',
      (field, name) => {
        expect(check(withSan({ [field]: 'x' }), identity({ [field]: undefined }))).toEqual([
          { code: 'CERTIFICATE_CLAIM_MISMATCH', message: `expected ${name} to be x, got ` },
        ]);
      },
    );

    it('compares case-sensitively (sigstore-go CompareExtensions)', () => {
      expect(check(withSan({ sourceRepositoryUri: 'https://github.com/ACME/app' }))).toHaveLength(1);
    });
  });

  describe('the claim regexps', () => {
    const withRegexp = FULCIO_CLAIMS.filter((c) => c.regexp);

    it('exist for the URIs, the ref and the token subject only', () => {
      expect(withRegexp.map((c) => c.field)).toEqual([
        'buildSignerUri',
        'sourceRepositoryUri',
        'sourceRepositoryRef',
        'sourceRepositoryOwnerUri',
        'buildConfigUri',
        'runInvocationUri',
        'tokenSubject',
      ]);
    });

    it.each(withRegexp.map((c) => [c.field, c.name] as const))(
      'match %s unanchored, and report a miss as `expected %s to match regex R, got Y`',
      (field, name) => {
        const value = CLAIMS[field]!;
        expect(check(withSan({ [`${field}Regexp`]: value.slice(3, 12) }))).toEqual([]);
        expect(check(withSan({ [`${field}Regexp`]: '^nothing$' }))).toEqual([
          {
            code: 'CERTIFICATE_CLAIM_MISMATCH',
            message: `expected ${name} to match regex ^nothing$, got ${value}`,
          },
        ]);
      },
    );

    it('accept any release tag with ^refs/tags/v and reject a branch', () => {
      const policy = withSan({ sourceRepositoryRefRegexp: '^refs/tags/v' });
      expect(check(policy)).toEqual([]);
      expect(check(policy, identity({ sourceRepositoryRef: 'refs/heads/main' }))).toHaveLength(1);
    });

    it('fail when the certificate lacks the claim', () => {
      expect(
        check(withSan({ sourceRepositoryRefRegexp: '.*' }), identity({ sourceRepositoryRef: undefined })),
      ).toHaveLength(1);
    });

    it('are refused when RE2 cannot compile them, naming the field', () => {
      expect(() => check(withSan({ buildSignerUriRegexp: '(?=x)' }))).toThrowError(
        /buildSignerUriRegexp is not a valid RE2/,
      );
    });
  });

  describe('the gh attestation verify conditions', () => {
    it('owner: SourceRepositoryOwnerURI, case-insensitively, in gh wording', () => {
      expect(check({ owner: 'ACME' })).toEqual([]);
      expect(check({ owner: 'other' })).toContainEqual({
        code: 'CERTIFICATE_CLAIM_MISMATCH',
        message:
          'expected SourceRepositoryOwnerURI to be https://github.com/other, got https://github.com/acme',
      });
    });

    it('repo: SourceRepositoryURI and its owner, in gh order', () => {
      expect(check({ repo: 'acme/APP' })).toEqual([]);
      const issues = check(withSan({ repo: 'evil/app' }));
      expect(issues).toEqual([
        {
          code: 'CERTIFICATE_CLAIM_MISMATCH',
          message:
            'expected SourceRepositoryOwnerURI to be https://github.com/evil, got https://github.com/acme',
        },
        {
          code: 'CERTIFICATE_CLAIM_MISMATCH',
          message:
            'expected SourceRepositoryURI to be https://github.com/evil/app, got https://github.com/acme/app',
        },
      ]);
    });

    it('repo alone also requires the signing workflow to live in that repository (gh default)', () => {
      // A look-alike repository whose owner and name claims were somehow right but whose workflow is elsewhere.
      const elsewhere = identity({
        subjectAlternativeName: 'https://github.com/acme/app-evil/.github/workflows/x.yml@refs/heads/main',
      });
      expect(check({ repo: 'acme/app' }, elsewhere)).toEqual([
        {
          code: 'IDENTITY_MISMATCH',
          message: `expected SAN value to match regex "(?i)^https://github\\.com/acme/app/", got "${elsewhere.subjectAlternativeName}"`,
        },
      ]);
    });

    it('repo with signerRepo: the signer may be a reusable workflow of another repository', () => {
      const reusable = identity({
        subjectAlternativeName: 'https://github.com/acme/workflows/.github/workflows/build.yml@refs/tags/v2',
      });
      expect(check({ repo: 'acme/app', signerRepo: 'acme/workflows' }, reusable)).toEqual([]);
      expect(check({ repo: 'acme/app', signerRepo: 'other/workflows' }, reusable).map((i) => i.code)).toEqual(
        ['IDENTITY_MISMATCH'],
      );
    });

    it('sourceRef: `expected SourceRepositoryRef to be %s, got %s`, case-insensitively', () => {
      expect(check({ repo: 'acme/app', sourceRef: 'REFS/TAGS/V1.2.3' })).toEqual([]);
      expect(check({ repo: 'acme/app', sourceRef: 'refs/heads/main' })).toEqual([
        {
          code: 'CERTIFICATE_CLAIM_MISMATCH',
          message: 'expected SourceRepositoryRef to be refs/heads/main, got refs/tags/v1.2.3',
        },
      ]);
    });

    it.each([
      ['sourceDigest', 'SourceRepositoryDigest'],
      ['signerDigest', 'BuildSignerDigest'],
    ] as const)('%s: `expected %s to be X, got Y`, case-insensitively', (field, name) => {
      expect(check({ repo: 'acme/app', [field]: SHA.toUpperCase() })).toEqual([]);
      expect(check({ repo: 'acme/app', [field]: '0'.repeat(40) })).toEqual([
        {
          code: 'CERTIFICATE_CLAIM_MISMATCH',
          message: `expected ${name} to be ${'0'.repeat(40)}, got ${SHA}`,
        },
      ]);
    });

    it('denySelfHostedRunners: RunnerEnvironment must be github-hosted', () => {
      expect(check({ repo: 'acme/app', denySelfHostedRunners: true })).toEqual([]);
      expect(
        check(
          { repo: 'acme/app', denySelfHostedRunners: true },
          identity({ runnerEnvironment: 'self-hosted' }),
        ),
      ).toEqual([
        {
          code: 'CERTIFICATE_CLAIM_MISMATCH',
          message: 'expected RunnerEnvironment to be github-hosted, got self-hosted',
        },
      ]);
      expect(
        check({ repo: 'acme/app', denySelfHostedRunners: true }, identity({ runnerEnvironment: undefined })),
      ).toHaveLength(1);
    });

    it('denySelfHostedRunners: false checks nothing', () => {
      expect(
        check(
          { repo: 'acme/app', denySelfHostedRunners: false },
          identity({ runnerEnvironment: 'self-hosted' }),
        ),
      ).toEqual([]);
    });

    describe('signerWorkflow', () => {
      it('accepts the workflow at any ref when none is given', () => {
        expect(check({ signerWorkflow: 'acme/app/.github/workflows/release.yml' })).toEqual([]);
        expect(check({ signerWorkflow: 'github.com/acme/app/.github/workflows/release.yml' })).toEqual([]);
      });

      it('accepts only that ref when one is given', () => {
        expect(check({ signerWorkflow: 'acme/app/.github/workflows/release.yml@refs/tags/v1.2.3' })).toEqual(
          [],
        );
        expect(
          check({ signerWorkflow: 'acme/app/.github/workflows/release.yml@refs/heads/main' }).map(
            (i) => i.code,
          ),
        ).toEqual(['IDENTITY_MISMATCH']);
      });

      it('does not accept a workflow whose name merely starts with the given one', () => {
        const lookAlike = identity({
          subjectAlternativeName:
            'https://github.com/acme/app/.github/workflows/release.yml.evil.yml@refs/heads/x',
        });
        expect(check({ signerWorkflow: 'acme/app/.github/workflows/release.yml' }, lookAlike)).toHaveLength(
          1,
        );
      });

      it('builds the pattern gh builds, metacharacters quoted', () => {
        expect(signerWorkflowPattern('acme/app/.github/workflows/release.yml')).toBe(
          '^https://github\\.com/acme/app/\\.github/workflows/release\\.yml(@(refs/.*|[0-9a-fA-F]+))?$',
        );
        expect(signerWorkflowPattern('ghe.example/acme/app/.github/workflows/r.yml@refs/heads/main')).toBe(
          '^https://ghe\\.example/acme/app/\\.github/workflows/r\\.yml@refs/heads/main$',
        );
      });
    });

    it('reports every failing condition, not only the first (gh stops at one)', () => {
      const issues = check(
        {
          repo: 'acme/app',
          sourceRef: 'refs/heads/main',
          denySelfHostedRunners: true,
          buildTrigger: 'release',
        },
        identity({ runnerEnvironment: 'self-hosted' }),
      );
      expect(issues.map((i) => i.message)).toEqual([
        'expected SourceRepositoryRef to be refs/heads/main, got refs/tags/v1.2.3',
        'expected RunnerEnvironment to be github-hosted, got self-hosted',
        'expected BuildTrigger to be release, got push',
      ]);
    });
  });
});

describe('compilePolicy with provenance conditions', () => {
  it.each<[string, Policy]>([
    ['signerWorkflow', { signerWorkflow: 'acme/app/.github/workflows/release.yml' }],
    ['signerRepo', { signerRepo: 'acme/app' }],
    ['repo', { repo: 'acme/app' }],
    ['owner', { owner: 'acme' }],
  ])('accepts %s as the identity condition (it constrains the SAN)', (_name, conditions) => {
    expect(() => compilePolicy({ certificateOidcIssuer: ISSUER, ...conditions })).not.toThrow();
  });

  it('still requires an issuer, unlike gh which defaults it to GitHub Actions', () => {
    expect(() => compilePolicy({ repo: 'acme/app' })).toThrowError(/certificateOidcIssuer/);
  });

  it('does not count a claim condition as an identity', () => {
    expect(() => compilePolicy({ certificateOidcIssuer: ISSUER, sourceRepositoryUri: 'x' })).toThrowError(
      /requires certificateIdentity/,
    );
  });

  it.each(['acme', 'acme/app/x', '/app', 'acme/'])('refuses repo %j in gh wording', (repo) => {
    expect(() => compilePolicy({ certificateOidcIssuer: ISSUER, repo })).toThrowError(
      new RegExp(`^repo: invalid value provided for repo: ${repo}`),
    );
  });

  it.each(['owner', 'repo', 'signerRepo', 'signerWorkflow'])(
    'refuses a %s longer than any GitHub name before compiling it',
    (field) => {
      expect(() =>
        compilePolicy({ certificateOidcIssuer: ISSUER, [field]: `a/${'b'.repeat(600)}` }),
      ).toThrowError(new RegExp(`^${field} is 602 characters long; at most 512`));
    },
  );

  it('refuses an owner with a slash', () => {
    expect(() => compilePolicy({ certificateOidcIssuer: ISSUER, owner: 'acme/app' })).toThrowError(
      PolicyError,
    );
  });

  it('refuses owner and repo naming different owners instead of ignoring one', () => {
    expect(() => compilePolicy({ certificateOidcIssuer: ISSUER, owner: 'a', repo: 'b/app' })).toThrowError(
      /different owners/,
    );
    expect(() =>
      compilePolicy({ certificateOidcIssuer: ISSUER, owner: 'ACME', repo: 'acme/app' }),
    ).not.toThrow();
  });

  it.each<[string, Policy]>([
    ['a claim', { sourceRepositoryRef: 'refs/heads/main' }],
    ['a claim regexp', { sourceRepositoryRefRegexp: '^refs/tags/' }],
    ['a gh condition', { denySelfHostedRunners: true }],
  ])('refuses a key with %s: key-signed signatures have no certificate', (_name, conditions) => {
    const key =
      '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n';
    expect(() => compilePolicy({ key, ...conditions })).toThrowError(/mutually exclusive/);
  });
});
