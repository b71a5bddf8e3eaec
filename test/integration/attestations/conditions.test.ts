import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, pushImage, type BuiltImage } from '../../support/registry/index.js';
import { inTotoStatement, pushBundleReferrer, SLSA_PROVENANCE_V1 } from '../../support/sigstore/index.js';
import { startHarness, type VerifyGraphHarness } from '../verify-graph/harness.js';
import type { AttestationVerificationReply } from './queries.js';
import { ATTESTATION_VERIFICATION_FIELDS } from './queries.js';

/**
 * CEL conditions on `attestationVerification`, through GraphQL from the real registry with real
 * signatures: a true condition keeps VERIFIED, a false one is FAILED naming the expression, and a
 * bad expression is INVALID_POLICY before any registry request.
 */
const REPO = 'attest/conditions';
const SAN = 'builder@example.com';
const ISSUER = 'https://accounts.example.com';
const POLICY = { certificateIdentity: SAN, certificateOidcIssuer: ISSUER };
const ON_MAIN = 'predicate.buildDefinition.externalParameters.workflow.ref == "refs/heads/main"';
const ON_RELEASE = 'predicate.buildDefinition.externalParameters.workflow.ref == "refs/heads/release"';

describe('attestationVerification(conditions)', () => {
  let h: VerifyGraphHarness;
  let image: BuiltImage;
  const ref = (digest: string) => `${h.registry.host}/${REPO}@${digest}`;

  const verify = async (conditions: string[], at = ref(image.digest)) =>
    h.service.graphql<{ image: { attestationVerification: AttestationVerificationReply } }>(
      `query($ref: String!, $policy: PolicyInput!, $conditions: [String!]) {
         image(ref: $ref) {
           attestationVerification(policy: $policy, predicateType: "slsaprovenance1", conditions: $conditions) {
             ${ATTESTATION_VERIFICATION_FIELDS}
           }
         }
       }`,
      { ref: at, policy: POLICY, conditions },
    );

  beforeAll(async () => {
    h = await startHarness();
    image = buildImage({ os: 'linux', architecture: 'amd64' });
    await pushImage(h.target, REPO, image);
    const statement = inTotoStatement({
      subjects: [image.digest],
      predicateType: SLSA_PROVENANCE_V1,
      predicate: {
        buildDefinition: {
          buildType: 'https://actions.github.io/buildtypes/workflow/v1',
          externalParameters: {
            workflow: { ref: 'refs/heads/main', repository: 'https://github.com/acme/app' },
          },
        },
      },
    });
    const identity = h.sigstore.issueCertificate({ san: { email: SAN }, issuer: ISSUER });
    await pushBundleReferrer(
      h.target,
      REPO,
      image,
      h.sigstore.signBundle({ imageDigest: image.digest, identity, statement }),
    );
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a condition that holds keeps the attestation VERIFIED', async () => {
    const reply = await verify([ON_MAIN, `subject.exists(s, s.digest.sha256 == "${image.digest.slice(7)}")`]);
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.image.attestationVerification).toMatchObject({
      verified: true,
      status: 'VERIFIED',
      errors: [],
      attestations: [{ verified: true, errors: [], identity: { subjectAlternativeName: SAN } }],
    });
  });

  it('a condition that does not hold is FAILED with the expression’s text, after the same signature verified', async () => {
    const reply = await verify([ON_MAIN, ON_RELEASE]);
    const v = reply.data?.image.attestationVerification;
    const issue = { code: 'CONDITION_FAILED', message: `condition ${JSON.stringify(ON_RELEASE)} is false` };
    expect(v).toMatchObject({ verified: false, status: 'FAILED', trustRoot: null });
    expect(v?.attestations).toEqual([
      expect.objectContaining({ verified: false, trustRoot: null, errors: [issue] }),
    ]);
    expect(v?.errors).toEqual([
      { code: 'NO_MATCHING_ATTESTATIONS', message: `no matching attestations: ${issue.message}` },
      issue,
    ]);
  });

  it('conditions are part of the cached verdict’s key: other conditions are computed afresh, the same are reused', async () => {
    const cachedOf = async (conditions: string[]) => {
      const reply = await h.service.graphql<{
        image: { attestationVerification: { status: string; cached: boolean } };
      }>(
        `query($ref: String!, $policy: PolicyInput!, $conditions: [String!]) {
           image(ref: $ref) {
             attestationVerification(policy: $policy, predicateType: "slsaprovenance1", conditions: $conditions) {
               status cached
             }
           }
         }`,
        { ref: ref(image.digest), policy: POLICY, conditions },
      );
      return reply.data?.image.attestationVerification;
    };
    const other = 'size(subject) == 1';
    expect(await cachedOf([other])).toEqual({ status: 'VERIFIED', cached: false });
    expect(await cachedOf([other])).toEqual({ status: 'VERIFIED', cached: true });
    expect(await cachedOf([other, ON_RELEASE])).toEqual({ status: 'FAILED', cached: false });
    expect(await cachedOf([])).toEqual({ status: 'VERIFIED', cached: false });
    expect(await cachedOf([])).toEqual({ status: 'VERIFIED', cached: true });
  });

  it('the attestation shows its SLSA provenance as typed fields', async () => {
    const reply = await h.service.graphql<{
      image: { attestations: { predicateType: string; provenance: Record<string, unknown> | null }[] };
    }>(
      `query($ref: String!) { image(ref: $ref) { attestations {
         predicateType
         provenance { slsaVersion builderId buildType sourceRepository sourceRef sourceDigest workflow trigger invocationId }
       } } }`,
      { ref: ref(image.digest) },
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.image.attestations).toEqual([
      {
        predicateType: SLSA_PROVENANCE_V1,
        provenance: {
          slsaVersion: 'v1',
          builderId: null,
          buildType: 'https://actions.github.io/buildtypes/workflow/v1',
          sourceRepository: 'https://github.com/acme/app',
          sourceRef: 'refs/heads/main',
          sourceDigest: null,
          workflow: null,
          trigger: null,
          invocationId: null,
        },
      },
    ]);
  });

  it('a bad expression is INVALID_POLICY before any registry request', async () => {
    // A registry nobody listens on: reaching it would be a registry error, not INVALID_POLICY.
    const nowhere = `127.0.0.1:9/${REPO}@${image.digest}`;
    for (const [condition, message] of [
      ['predicate.(', /does not parse/],
      ['image == "x"', /undeclared reference to 'image'/],
      ['subject.all(a, [1].all(b, b == 1))', /nests a comprehension/],
    ] as const) {
      const reply = await verify([condition], nowhere);
      expect(reply.errors?.[0]?.extensions?.code).toBe('INVALID_POLICY');
      expect(reply.errors?.[0]?.message).toMatch(message);
    }
  });
});
