import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, pushImage, type BuiltImage } from '../../support/registry/index.js';
import {
  githubBuildClaims,
  inTotoStatement,
  pushBundleReferrer,
  pushLegacyAttestations,
  pushLegacySignatures,
  SLSA_PROVENANCE_V1,
} from '../../support/sigstore/index.js';
import { verifyAttestation } from '../attestations/queries.js';
import { ContractClient } from '../rest/contract.js';
import { startHarness, type PolicyVariables, type VerifyGraphHarness } from './harness.js';

/**
 * `gh attestation verify`-style policy over Fulcio's provenance claims (OIDs .1.9–.1.24), end to
 * end: signatures whose test-Fulcio certificates carry GitHub Actions claims, stored in the real
 * registry, verified through GraphQL (and once through REST) by the real service. A policy naming
 * the right repository, ref and hosted runner verifies; a wrong ref, a wrong repository or a
 * self-hosted runner fails with gh's words.
 */
const ISSUER = 'https://token.actions.githubusercontent.com';
const SHA = '0123456789abcdef0123456789abcdef01234567';
const REF = 'refs/tags/v1.2.3';
const SAN = `https://github.com/acme/app/.github/workflows/release.yml@${REF}`;
const CLAIMS = githubBuildClaims({ repo: 'acme/app', ref: REF, sha: SHA });
const SELF_HOSTED = githubBuildClaims({ repo: 'acme/app', ref: REF, sha: SHA, runner: 'self-hosted' });

const FIELDS = `
  verified status
  errors { code message }
  signatures {
    verified
    errors { code message }
    identity {
      subjectAlternativeName issuer buildSignerUri buildSignerDigest runnerEnvironment
      sourceRepositoryUri sourceRepositoryDigest sourceRepositoryRef sourceRepositoryIdentifier
      sourceRepositoryOwnerUri sourceRepositoryOwnerIdentifier buildConfigUri buildConfigDigest
      buildTrigger runInvocationUri sourceRepositoryVisibilityAtSigning deploymentEnvironment tokenSubject
    }
    signature { format certificate { sourceRepositoryRef runnerEnvironment buildSignerUri } }
  }`;

interface Reply {
  readonly verified: boolean;
  readonly status: string;
  readonly errors: readonly { code: string; message: string }[];
  readonly signatures: readonly {
    verified: boolean;
    errors: readonly { code: string; message: string }[];
    identity: Record<string, string | null> | null;
    signature: { format: string; certificate: Record<string, string | null> | null } | null;
  }[];
}

describe('provenance policy (gh attestation verify) through GraphQL', () => {
  let h: VerifyGraphHarness;
  let hosted: BuiltImage;
  let selfHosted: BuiltImage;
  let attested: BuiltImage;
  const ref = (image: BuiltImage) => `${h.registry.host}/acme/app@${image.digest}`;

  async function verify(image: BuiltImage, policy: PolicyVariables): Promise<Reply> {
    const reply = await h.service.graphql<{ image: { verification: Reply } }>(
      `query($ref: String!, $policy: PolicyInput!) {
         image(ref: $ref) { verification(policy: $policy) { ${FIELDS} } }
       }`,
      { ref: ref(image), policy },
    );
    if (reply.status !== 200 || reply.errors !== undefined || reply.data == null) {
      throw new Error(`verification query failed: HTTP ${reply.status} ${JSON.stringify(reply.errors)}`);
    }
    return reply.data.image.verification;
  }

  beforeAll(async () => {
    h = await startHarness();
    hosted = buildImage({ os: 'linux', architecture: 'amd64' });
    selfHosted = buildImage({ os: 'linux', architecture: 'arm64' });
    await pushImage(h.target, 'acme/app', hosted, 'v1.2.3');
    await pushImage(h.target, 'acme/app', selfHosted, 'self-hosted');
    attested = buildImage({ os: 'linux', architecture: 'riscv64' });
    await pushImage(h.target, 'acme/app', attested, 'attested');
    const certificate = (buildClaims: typeof CLAIMS) =>
      h.sigstore.issueCertificate({ san: { uri: SAN }, issuer: ISSUER, buildClaims });
    // The hosted build in both storage formats; the self-hosted one as a bundle.
    await pushLegacySignatures(h.target, 'acme/app', hosted.digest, [
      h.sigstore.signLegacy({
        imageDigest: hosted.digest,
        dockerReference: `${h.registry.host}/acme/app`,
        identity: certificate(CLAIMS),
      }),
    ]);
    await pushBundleReferrer(
      h.target,
      'acme/app',
      hosted,
      h.sigstore.signBundle({ imageDigest: hosted.digest, identity: certificate(CLAIMS) }),
    );
    await pushBundleReferrer(
      h.target,
      'acme/app',
      selfHosted,
      h.sigstore.signBundle({ imageDigest: selfHosted.digest, identity: certificate(SELF_HOSTED) }),
    );
    // SLSA provenance for a third image, as actions/attest-build-provenance (referrer) and cosign
    // attest (.att tag) store it, signed by the same kind of certificate.
    const provenance = inTotoStatement({ subjects: [attested.digest], predicateType: SLSA_PROVENANCE_V1 });
    await pushBundleReferrer(
      h.target,
      'acme/app',
      attested,
      h.sigstore.signBundle({
        imageDigest: attested.digest,
        identity: certificate(CLAIMS),
        statement: provenance,
      }),
    );
    await pushLegacyAttestations(h.target, 'acme/app', attested.digest, [
      h.sigstore.signLegacyAttestation({ statement: provenance, identity: certificate(CLAIMS) }),
    ]);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const GH_POLICY = {
    certificateOidcIssuer: ISSUER,
    repo: 'acme/app',
    sourceRef: REF,
    denySelfHostedRunners: true,
  };

  it('verifies under gh conditions that match, and shows every claim on identity and certificate', async () => {
    const v = await verify(hosted, GH_POLICY);
    expect(v).toMatchObject({ verified: true, status: 'VERIFIED', errors: [] });
    expect(v.signatures).toHaveLength(2);
    for (const s of v.signatures) {
      expect(s.verified).toBe(true);
      expect(s.identity).toEqual({ subjectAlternativeName: SAN, issuer: ISSUER, ...CLAIMS });
      expect(s.signature?.certificate).toEqual({
        sourceRepositoryRef: REF,
        runnerEnvironment: 'github-hosted',
        buildSignerUri: CLAIMS.buildSignerUri,
      });
    }
  });

  it('verifies under exact claims, a claim regexp and a signer workflow', async () => {
    const v = await verify(hosted, {
      certificateOidcIssuer: ISSUER,
      signerWorkflow: 'acme/app/.github/workflows/release.yml',
      sourceRepositoryUri: 'https://github.com/acme/app',
      sourceRepositoryRefRegexp: '^refs/tags/v',
      buildTrigger: 'push',
      sourceRepositoryVisibilityAtSigning: 'public',
      deploymentEnvironment: 'production',
    });
    expect(v).toMatchObject({ verified: true, status: 'VERIFIED' });
  });

  it("fails a wrong source ref with gh's `expected SourceRepositoryRef to be X, got Y`", async () => {
    const v = await verify(hosted, { ...GH_POLICY, sourceRef: 'refs/heads/main' });
    expect(v).toMatchObject({ verified: false, status: 'FAILED' });
    const issue = {
      code: 'CERTIFICATE_CLAIM_MISMATCH',
      message: `expected SourceRepositoryRef to be refs/heads/main, got ${REF}`,
    };
    expect(v.errors).toContainEqual(issue);
    for (const s of v.signatures) expect(s.errors).toEqual([issue]);
  });

  it("fails a wrong repository with gh's owner and repository messages", async () => {
    const v = await verify(hosted, { ...GH_POLICY, repo: 'evil/app' });
    expect(v).toMatchObject({ verified: false, status: 'FAILED' });
    expect(v.signatures[0]?.errors).toEqual([
      {
        code: 'IDENTITY_MISMATCH',
        message: `expected SAN value to match regex "(?i)^https://github\\.com/evil/app/", got "${SAN}"`,
      },
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

  it('fails a self-hosted runner under denySelfHostedRunners, and passes it without', async () => {
    const denied = await verify(selfHosted, GH_POLICY);
    expect(denied).toMatchObject({ verified: false, status: 'FAILED' });
    expect(denied.signatures[0]?.errors).toEqual([
      {
        code: 'CERTIFICATE_CLAIM_MISMATCH',
        message: 'expected RunnerEnvironment to be github-hosted, got self-hosted',
      },
    ]);
    expect(denied.signatures[0]?.identity?.runnerEnvironment).toBe('self-hosted');
    const allowed = await verify(selfHosted, { ...GH_POLICY, denySelfHostedRunners: false });
    expect(allowed).toMatchObject({ verified: true, status: 'VERIFIED' });
  });

  describe('on SLSA provenance attestations (attestationVerification)', () => {
    it('verifies both stored forms under the gh conditions', async () => {
      const v = await verifyAttestation(h.service, ref(attested), GH_POLICY, 'slsaprovenance1');
      expect(v).toMatchObject({ verified: true, status: 'VERIFIED', errors: [] });
      expect(v.attestations.map((a) => a.attestation?.source).sort()).toEqual([
        'BUNDLE_REFERRER',
        'LEGACY_TAG',
      ]);
      expect(v.attestations.every((a) => a.verified)).toBe(true);
    });

    it("fails a wrong source ref with gh's message on each attestation", async () => {
      const v = await verifyAttestation(
        h.service,
        ref(attested),
        { ...GH_POLICY, sourceRef: 'refs/heads/main' },
        'slsaprovenance1',
      );
      expect(v).toMatchObject({ verified: false, status: 'FAILED' });
      const issue = {
        code: 'CERTIFICATE_CLAIM_MISMATCH',
        message: `expected SourceRepositoryRef to be refs/heads/main, got ${REF}`,
      };
      expect(v.attestations).toHaveLength(2);
      for (const a of v.attestations) expect(a.errors).toEqual([issue]);
    });
  });

  it('refuses a malformed repo as INVALID_POLICY before touching the registry', async () => {
    const reply = await h.service.graphql(
      `query($ref: String!, $policy: PolicyInput!) { image(ref: $ref) { verification(policy: $policy) { verified } } }`,
      { ref: ref(hosted), policy: { certificateOidcIssuer: ISSUER, repo: 'acme' } },
    );
    expect(reply.errors?.[0]?.extensions?.code).toBe('INVALID_POLICY');
    expect(reply.errors?.[0]?.message).toMatch(/invalid value provided for repo: acme/);
  });

  it('answers the same through REST, every claim in the documented identity shape', async () => {
    const api = new ContractClient(h.service.url);
    const image = ref(hosted);
    const ok = await api.request('/v1/verify', { json: { image, policy: GH_POLICY } });
    expect(ok.status).toBe(200);
    const body = ok.body as { verified: boolean; signatures: { identity: Record<string, unknown> }[] };
    expect(body.verified).toBe(true);
    expect(body.signatures[0]?.identity).toMatchObject(CLAIMS);
    const bad = await api.request('/v1/verify', {
      json: { image, policy: { ...GH_POLICY, sourceRef: 'refs/heads/main' } },
    });
    expect((bad.body as { errors: unknown[] }).errors).toContainEqual({
      code: 'CERTIFICATE_CLAIM_MISMATCH',
      message: `expected SourceRepositoryRef to be refs/heads/main, got ${REF}`,
    });
  });
});
