import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONDITION_EVALUATION_TIMEOUT_MS } from '../../../src/attestations/conditions/index.js';
import { buildImage, pushImage, type BuiltImage } from '../../support/registry/index.js';
import { startTestService, type TestService } from '../../support/service.js';
import { inTotoStatement, pushBundleReferrer, SLSA_PROVENANCE_V1 } from '../../support/sigstore/index.js';
import { startCountingProxy, type CountingProxy } from '../graph/counting-proxy.js';
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

  describe('an accepted policy too slow for the statement', () => {
    // A signed provenance whose predicate carries a string of ~256 KiB (the conditions run over up
    // to 4 MiB): one scan of it by this accepted pattern takes seconds; the policy asks for three.
    const SLOW = 'predicate.s.matches("[ab]*a[ab]{400}[^ab]")';
    let big: BuiltImage;

    beforeAll(async () => {
      big = buildImage({ os: 'linux', architecture: 'arm64' });
      await pushImage(h.target, REPO, big);
      // Pseudo-random a/b (a periodic string lets RE2's DFA cache every state and finish at once).
      let s = '';
      let x = 2463534242;
      for (let i = 0; i < 250_000; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        s += x & 1 ? 'a' : 'b';
      }
      const statement = inTotoStatement({
        subjects: [big.digest],
        predicateType: SLSA_PROVENANCE_V1,
        predicate: { s },
      });
      const identity = h.sigstore.issueCertificate({ san: { email: SAN }, issuer: ISSUER });
      await pushBundleReferrer(
        h.target,
        REPO,
        big,
        h.sigstore.signBundle({ imageDigest: big.digest, identity, statement }),
      );
    });

    it('is stopped at the evaluation deadline: FAILED, not evaluated, naming the expression and the limit, not cached', async () => {
      const reply = await verify(['predicateType != ""', SLOW, SLOW, SLOW], ref(big.digest));
      expect(reply.errors).toBeUndefined();
      const v = reply.data?.image.attestationVerification;
      expect(v).toMatchObject({ verified: false, status: 'FAILED' });
      expect(v?.attestations[0]?.errors[0]).toEqual({
        code: 'CONDITION_NOT_EVALUATED',
        message: `condition ${JSON.stringify(SLOW)} did not finish within the ${CONDITION_EVALUATION_TIMEOUT_MS} ms evaluation limit`,
      });
      // The signature itself verified: the failure is the condition's, reported per attestation.
      expect(v?.attestations[0]?.identity).toMatchObject({ subjectAlternativeName: SAN });
      // No answer is not a verdict to keep: asked again, it is evaluated (and stopped) again.
      const again = await h.service.graphql<{ image: { attestationVerification: { cached: boolean } } }>(
        `query($ref: String!, $policy: PolicyInput!, $conditions: [String!]) {
           image(ref: $ref) {
             attestationVerification(policy: $policy, predicateType: "slsaprovenance1", conditions: $conditions) {
               cached
             }
           }
         }`,
        { ref: ref(big.digest), policy: POLICY, conditions: ['predicateType != ""', SLOW, SLOW, SLOW] },
      );
      expect(again.data?.image.attestationVerification.cached).toBe(false);
    });

    it('the same service still evaluates other conditions afterwards', async () => {
      const reply = await verify([ON_MAIN]);
      expect(reply.data?.image.attestationVerification).toMatchObject({ verified: true, status: 'VERIFIED' });
    });
  });

  describe('a bad expression is INVALID_POLICY before any registry request', () => {
    // A second service reaching the same registry through a counting proxy: what it asks of the
    // registry is seen from outside, so "no request" is measured, not inferred from an error.
    let proxy: CountingProxy;
    let counted: TestService;
    let dir: string;
    const at = () => `${proxy.host}/${REPO}@${image.digest}`;
    const REFUSED = [
      ['predicate.(', /does not parse/],
      ['image == "x"', /undeclared reference to 'image'/],
      ['subject.all(a, [1].all(b, b == 1))', /nests a comprehension/],
      ['predicateType + 1 == 2', /does not type-check: has no overload of '\+' for \(string, int\)/],
      ['predicateType.upper() == "X"', /does not type-check: calls an unknown function 'upper'/],
      ['predicateType', /is of type string; a condition must be a bool/],
      ['predicateType.matches("(a")', /the pattern "\(a" is not a valid RE2 regular expression/],
      ['predicateType.matches("(a{1000}){1000}")', /too large a regular expression/],
      ['predicateType.matches(predicate.p)', /pattern that is not a string literal/],
    ] as const;

    beforeAll(async () => {
      proxy = await startCountingProxy(h.registry.url);
      dir = await mkdtemp(join(tmpdir(), 'imprimatur-conditions-'));
      const trustedRootPath = await h.sigstore.writeTrustedRoot(dir);
      counted = await startTestService({
        insecureRegistries: [proxy.host],
        config: { verification: { trustedRootPath, maxSignaturesPerDigest: 1000 } },
      });
    });
    afterAll(async () => {
      await counted?.stop();
      await proxy?.stop();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    it('through GraphQL, naming the expression and the reason', async () => {
      for (const [condition, message] of REFUSED) {
        proxy.reset();
        const reply = await counted.graphql<unknown>(
          `query($ref: String!, $policy: PolicyInput!, $conditions: [String!]) {
             image(ref: $ref) {
               attestationVerification(policy: $policy, predicateType: "slsaprovenance1", conditions: $conditions) {
                 status
               }
             }
           }`,
          { ref: at(), policy: POLICY, conditions: [ON_MAIN, condition] },
        );
        expect(reply.errors?.[0]?.extensions?.code, condition).toBe('INVALID_POLICY');
        expect(reply.errors?.[0]?.message).toMatch(message);
        expect(reply.errors?.[0]?.message).toContain(`condition ${JSON.stringify(condition)}`);
        expect(proxy.requests, condition).toEqual([]);
      }
    });

    it('through REST (POST /v1/verify-attestation), a 400 problem naming conditions', async () => {
      for (const [condition, message] of REFUSED) {
        proxy.reset();
        const response = await fetch(`${counted.url}/v1/verify-attestation`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            image: at(),
            predicateType: 'slsaprovenance1',
            policy: POLICY,
            conditions: [condition],
          }),
        });
        const body = (await response.json()) as {
          code: string;
          detail: string;
          invalidParams?: { name: string }[];
        };
        expect(response.status, condition).toBe(400);
        expect(body.code).toBe('INVALID_POLICY');
        expect(body.detail).toMatch(message);
        expect(body.invalidParams?.[0]?.name).toBe('conditions');
        expect(proxy.requests, condition).toEqual([]);
      }
    });

    it('while a good expression through the same proxy reaches the registry and verifies', async () => {
      proxy.reset();
      const reply = await counted.graphql<{ image: { attestationVerification: { status: string } } }>(
        `query($ref: String!, $policy: PolicyInput!, $conditions: [String!]) {
           image(ref: $ref) {
             attestationVerification(policy: $policy, predicateType: "slsaprovenance1", conditions: $conditions) {
               status
             }
           }
         }`,
        { ref: at(), policy: POLICY, conditions: [ON_MAIN, 'predicateType.matches("^https://slsa\\.dev/")'] },
      );
      expect(reply.data?.image.attestationVerification.status).toBe('VERIFIED');
      expect(proxy.requests.length).toBeGreaterThan(0);
    });
  });
});
