import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCertificate } from '../../src/verification/certificate/index.js';
import { compilePolicy } from '../../src/verification/policy/index.js';
import { checkProvenance } from '../../src/verification/policy/provenance-claims.js';
import { REPO_ROOT } from '../support/paths.js';

/**
 * A real GitHub build-provenance bundle (see github-artifact-attestation/NOTICE.md): its leaf
 * certificate is how GitHub's Fulcio writes every provenance claim, so it pins our reading of the
 * OIDs to the real thing rather than to our own test Fulcio. The expected values are the ones the
 * signed SLSA predicate states independently (internalParameters.github, resolvedDependencies).
 */
const BUNDLE_PATH = join(REPO_ROOT, 'test/conformance/github-artifact-attestation/valid-bundle.json');
const bundleText = readFileSync(BUNDLE_PATH, 'utf8');
const bundle = JSON.parse(bundleText) as {
  verificationMaterial: { certificate: { rawBytes: string } };
  dsseEnvelope: { payload: string };
};
const der = Buffer.from(bundle.verificationMaterial.certificate.rawBytes, 'base64');
const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as {
  predicate: {
    buildDefinition: {
      internalParameters: { github: Record<string, string> };
      resolvedDependencies: { digest: { gitCommit: string } }[];
    };
    runDetails: { builder: { id: string }; metadata: { invocationId: string } };
  };
};

const REPO = 'https://github.com/github/artifact-attestations-opa-provider';
const WORKFLOW = `${REPO}/.github/workflows/docker.yaml@refs/pull/31/merge`;
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

describe('a real GitHub artifact attestation certificate', () => {
  const description = describeCertificate(pem);
  const github = statement.predicate.buildDefinition.internalParameters.github;
  const commit = statement.predicate.buildDefinition.resolvedDependencies[0]!.digest.gitCommit;

  it('is the file the NOTICE describes', () => {
    expect(createHash('sha256').update(bundleText).digest('hex')).toBe(
      '6b5a0477310e82f8bbb1ec526a280fac36293c994edb1848f4b7747a112f8f75',
    );
    expect(description.issuerName).toBe('O=GitHub\\, Inc., CN=Fulcio Intermediate l2');
  });

  it("reads every provider-generic claim GitHub's Fulcio writes, agreeing with the signed predicate", () => {
    expect(description).toMatchObject({
      subjectAlternativeName: WORKFLOW,
      issuer: GITHUB_ISSUER,
      buildSignerUri: statement.predicate.runDetails.builder.id,
      buildSignerDigest: commit,
      runnerEnvironment: github['runner_environment'],
      sourceRepositoryUri: REPO,
      sourceRepositoryDigest: commit,
      sourceRepositoryRef: 'refs/pull/31/merge',
      sourceRepositoryIdentifier: github['repository_id'],
      sourceRepositoryOwnerUri: 'https://github.com/github',
      sourceRepositoryOwnerIdentifier: github['repository_owner_id'],
      buildConfigUri: WORKFLOW,
      buildTrigger: github['event_name'],
      runInvocationUri: statement.predicate.runDetails.metadata.invocationId,
      sourceRepositoryVisibilityAtSigning: 'private',
    });
    // The calling workflow's commit differs from the merge commit built: both are read as written.
    expect(description.buildConfigDigest).toMatch(/^[0-9a-f]{40}$/);
    // Not written for this run (no deployment environment; older Fulcio has no token subject).
    expect(description.deploymentEnvironment).toBeUndefined();
    expect(description.tokenSubject).toBeUndefined();
  });

  it('reads the deprecated GitHub claims (.1.2–.1.6) alongside, as cosign does', () => {
    expect(description).toMatchObject({
      githubWorkflowTrigger: 'pull_request',
      githubWorkflowSha: commit,
      githubWorkflowName: 'Build and push Docker image',
      githubWorkflowRepository: 'github/artifact-attestations-opa-provider',
      githubWorkflowRef: 'refs/pull/31/merge',
    });
  });

  describe('under gh attestation verify conditions (policy only: its chain needs GitHub’s root)', () => {
    const facts = { identity: description, subjectAlternativeNames: description.subjectAlternativeNames };
    const check = (conditions: object) =>
      checkProvenance(compilePolicy({ certificateOidcIssuer: GITHUB_ISSUER, ...conditions }), facts);

    it('passes --repo, --signer-workflow, --source-ref and --deny-self-hosted-runners', () => {
      expect(
        check({
          repo: 'github/artifact-attestations-opa-provider',
          signerWorkflow: 'github/artifact-attestations-opa-provider/.github/workflows/docker.yaml',
          sourceRef: 'refs/pull/31/merge',
          sourceDigest: commit,
          denySelfHostedRunners: true,
        }),
      ).toEqual([]);
    });

    it("fails a release-tag policy with gh's message", () => {
      expect(
        check({
          repo: 'github/artifact-attestations-opa-provider',
          sourceRefRegexp: undefined,
          sourceRef: 'refs/tags/v1',
        }),
      ).toEqual([
        {
          code: 'CERTIFICATE_CLAIM_MISMATCH',
          message: 'expected SourceRepositoryRef to be refs/tags/v1, got refs/pull/31/merge',
        },
      ]);
      expect(check({ owner: 'github', sourceRepositoryRefRegexp: '^refs/tags/' })).toEqual([
        {
          code: 'CERTIFICATE_CLAIM_MISMATCH',
          message: 'expected SourceRepositoryRef to match regex ^refs/tags/, got refs/pull/31/merge',
        },
      ]);
    });

    it('fails a public-only policy: the repository was private when it signed', () => {
      expect(check({ owner: 'github', sourceRepositoryVisibilityAtSigning: 'public' })).toEqual([
        {
          code: 'CERTIFICATE_CLAIM_MISMATCH',
          message: 'expected SourceRepositoryVisibilityAtSigning to be public, got private',
        },
      ]);
    });
  });
});
