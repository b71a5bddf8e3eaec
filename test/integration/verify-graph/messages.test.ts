import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, pushImage, type BuiltImage } from '../../support/registry/index.js';
import {
  pushBundleReferrer,
  pushLegacySignatures,
  type GithubWorkflowClaims,
} from '../../support/sigstore/index.js';
import { queryVerification, startHarness, verifyOverGraphQL, type VerifyGraphHarness } from './harness.js';

/**
 * cosign's other policy messages, word for word, with their stable codes: exact identity, issuer
 * regexp, GitHub workflow claims, signed annotations; and invalid policies as GraphQL errors.
 */
const ISSUER = 'https://token.actions.githubusercontent.com';
const APP = 'https://github.com/acme/app';
const EVIL = 'https://github.com/acme/app-evil';
const SAN = `${APP}/.github/workflows/release.yml@refs/tags/v1.2.3`;
const GITHUB: GithubWorkflowClaims = {
  workflowTrigger: 'push',
  workflowSha: '0123456789abcdef0123456789abcdef01234567',
  workflowName: 'release',
  workflowRepository: 'acme/app',
  workflowRef: 'refs/tags/v1.2.3',
};
const ANNOTATIONS = { env: 'prod', team: 'payments' };

describe('cosign policy messages through GraphQL', () => {
  let h: VerifyGraphHarness;
  let app: BuiltImage;
  let evil: BuiltImage;
  const ref = (image: BuiltImage) => `${h.registry.host}/acme/app@${image.digest}`;

  beforeAll(async () => {
    h = await startHarness();
    app = buildImage({ os: 'linux', architecture: 'amd64' });
    evil = buildImage({ os: 'linux', architecture: 'amd64' });
    await pushImage(h.target, 'acme/app', app, 'v1.2.3');
    await pushImage(h.target, 'acme/app', evil, 'evil');
    const dockerReference = `${h.registry.host}/acme/app`;
    // The genuine release: both storage formats, same identity and signed annotations.
    const identity = () => h.sigstore.issueCertificate({ san: { uri: SAN }, issuer: ISSUER, github: GITHUB });
    await pushLegacySignatures(h.target, 'acme/app', app.digest, [
      h.sigstore.signLegacy({
        imageDigest: app.digest,
        dockerReference,
        identity: identity(),
        annotations: ANNOTATIONS,
      }),
    ]);
    await pushBundleReferrer(
      h.target,
      'acme/app',
      app,
      h.sigstore.signBundle({ imageDigest: app.digest, identity: identity(), annotations: ANNOTATIONS }),
    );
    // A look-alike signer whose identity merely starts with the genuine one.
    const lookAlike = h.sigstore.issueCertificate({ san: { uri: EVIL }, issuer: ISSUER });
    await pushLegacySignatures(h.target, 'acme/app', evil.digest, [
      h.sigstore.signLegacy({ imageDigest: evil.digest, dockerReference, identity: lookAlike }),
    ]);
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe('when the exact identity differs', () => {
    it('reports IDENTITY_MISMATCH as `expected SAN value "X", got "Y"`', async () => {
      const v = await verifyOverGraphQL(h.service, ref(app), {
        certificateIdentity: 'someone@example.com',
        certificateOidcIssuer: ISSUER,
      });
      expect(v).toMatchObject({ verified: false, status: 'FAILED' });
      const issue = {
        code: 'IDENTITY_MISMATCH',
        message: `expected SAN value "someone@example.com", got "${SAN}"`,
      };
      expect(v.errors).toContainEqual(issue);
      expect(v.signatures).toHaveLength(2);
      for (const s of v.signatures) expect(s.errors).toEqual([issue]);
    });

    it("verifies when the exact identity and issuer are the signer's", async () => {
      const v = await verifyOverGraphQL(h.service, ref(app), {
        certificateIdentity: SAN,
        certificateOidcIssuer: ISSUER,
      });
      expect(v).toMatchObject({ verified: true, status: 'VERIFIED', errors: [] });
      expect(v.signatures.every((s) => s.verified)).toBe(true);
    });
  });

  describe('when the exact identity is a prefix of the real one', () => {
    it('rejects `…/app` for a certificate of `…/app-evil`', async () => {
      const v = await verifyOverGraphQL(h.service, ref(evil), {
        certificateIdentity: APP,
        certificateOidcIssuer: ISSUER,
      });
      expect(v).toMatchObject({ verified: false, status: 'FAILED' });
      expect(v.errors).toContainEqual({
        code: 'IDENTITY_MISMATCH',
        message: `expected SAN value "${APP}", got "${EVIL}"`,
      });
      expect(v.signatures[0]?.identity?.subjectAlternativeName).toBe(EVIL);
    });

    it('rejects it with an anchored regexp too, while an unanchored one matches as in cosign', async () => {
      const anchored = await verifyOverGraphQL(h.service, ref(evil), {
        certificateIdentityRegexp: '^https://github\\.com/acme/app$',
        certificateOidcIssuer: ISSUER,
      });
      expect(anchored.status).toBe('FAILED');
      expect(anchored.errors.map((e) => e.code)).toContain('IDENTITY_MISMATCH');
      const unanchored = await verifyOverGraphQL(h.service, ref(evil), {
        certificateIdentityRegexp: 'https://github\\.com/acme/app',
        certificateOidcIssuer: ISSUER,
      });
      expect(unanchored.status).toBe('VERIFIED');
    });
  });

  describe('when the issuer regexp does not match', () => {
    it('reports ISSUER_MISMATCH as `expected issuer value to match regex "X", got "Y"`', async () => {
      const v = await verifyOverGraphQL(h.service, ref(app), {
        certificateIdentity: SAN,
        certificateOidcIssuerRegexp: '^https://gitlab\\.com$',
      });
      expect(v).toMatchObject({ verified: false, status: 'FAILED' });
      expect(v.errors).toContainEqual({
        code: 'ISSUER_MISMATCH',
        message: `expected issuer value to match regex "^https://gitlab\\.com$", got "${ISSUER}"`,
      });
    });
  });

  describe('when a GitHub workflow claim is required', () => {
    const base = { certificateIdentity: SAN, certificateOidcIssuer: ISSUER };

    it("reports GITHUB_CLAIM_MISMATCH with cosign's wording and shows the real claim in the identity", async () => {
      const v = await verifyOverGraphQL(h.service, ref(app), {
        ...base,
        githubWorkflowRepository: 'acme/other',
      });
      expect(v).toMatchObject({ verified: false, status: 'FAILED' });
      expect(v.errors).toContainEqual({
        code: 'GITHUB_CLAIM_MISMATCH',
        message: 'expected GitHub Workflow Repository not found in certificate',
      });
      for (const s of v.signatures) {
        expect(s.identity).toMatchObject({
          githubWorkflowRepository: 'acme/app',
          githubWorkflowRef: 'refs/tags/v1.2.3',
        });
      }
    });

    it('verifies when every claim given matches the certificate', async () => {
      const v = await verifyOverGraphQL(h.service, ref(app), {
        ...base,
        githubWorkflowRepository: GITHUB.workflowRepository,
        githubWorkflowRef: GITHUB.workflowRef,
        githubWorkflowTrigger: GITHUB.workflowTrigger,
        githubWorkflowSha: GITHUB.workflowSha,
        githubWorkflowName: GITHUB.workflowName,
      });
      expect(v).toMatchObject({ verified: true, status: 'VERIFIED' });
    });
  });

  describe('when signed annotations are required', () => {
    const base = { certificateIdentity: SAN, certificateOidcIssuer: ISSUER };

    it('verifies both formats when every required annotation was signed with that value', async () => {
      const v = await verifyOverGraphQL(h.service, ref(app), {
        ...base,
        annotations: [
          { key: 'env', value: 'prod' },
          { key: 'team', value: 'payments' },
        ],
      });
      expect(v).toMatchObject({ verified: true, status: 'VERIFIED' });
      expect(v.signatures.map((s) => [s.signature?.format, s.verified]).sort()).toEqual([
        ['SIGSTORE_BUNDLE', true],
        ['SIMPLE_SIGNING', true],
      ]);
      for (const s of v.signatures) expect(s.signature?.annotations).toEqual(ANNOTATIONS);
    });

    it('reports ANNOTATION_MISMATCH when a value differs or a key is missing', async () => {
      for (const annotations of [[{ key: 'env', value: 'staging' }], [{ key: 'owner', value: 'me' }]]) {
        const v = await verifyOverGraphQL(h.service, ref(app), { ...base, annotations });
        expect(v).toMatchObject({ verified: false, status: 'FAILED' });
        const issue = { code: 'ANNOTATION_MISMATCH', message: 'missing or incorrect annotation' };
        expect(v.errors).toContainEqual(issue);
        for (const s of v.signatures) expect(s.errors).toEqual([issue]);
      }
    });
  });

  describe('when the policy itself is invalid', () => {
    const invalid = [
      ['names no identity', { certificateOidcIssuer: ISSUER }, /certificateIdentity/],
      ['names no issuer', { certificateIdentity: SAN }, /certificateOidcIssuer/],
      [
        'uses a backreference, which RE2 does not have',
        { certificateIdentityRegexp: '(a)\\1', certificateOidcIssuer: ISSUER },
        /RE2/,
      ],
      [
        'mixes a key with an identity',
        { key: 'x', certificateIdentity: SAN, certificateOidcIssuer: ISSUER },
        /key/,
      ],
    ] as const;

    for (const [what, policy, mentions] of invalid) {
      it(`answers a GraphQL error at image.verification, without a stack trace, when it ${what}`, async () => {
        const reply = await queryVerification(h.service, ref(app), policy);
        expect(reply.status).toBe(200);
        expect(reply.errors).toHaveLength(1);
        expect(reply.errors?.[0]?.path).toEqual(['image', 'verification']);
        const body = JSON.stringify(reply.errors);
        expect(body).not.toContain('stacktrace');
        expect(body).not.toMatch(/\bat .+\.(ts|js):\d+/);
        expect(reply.data ?? null).toBeNull();
      });

      // INVALID_POLICY is a public code: the caller learns what is wrong with the policy.
      it(`says INVALID_POLICY and names the problem when it ${what}`, async () => {
        const reply = await queryVerification(h.service, ref(app), policy);
        expect(reply.errors?.[0]?.extensions?.code).toBe('INVALID_POLICY');
        expect(reply.errors?.[0]?.message).toMatch(mentions);
      });
    }

    it('is refused before the registry is asked, even for an image that does not exist', async () => {
      const missing = `${h.registry.host}/acme/app@sha256:${'0'.repeat(64)}`;
      const reply = await queryVerification(h.service, missing, { certificateOidcIssuer: ISSUER });
      expect(reply.errors?.map((e) => e.extensions?.code)).toEqual(['INVALID_POLICY']);
    });
  });
});
