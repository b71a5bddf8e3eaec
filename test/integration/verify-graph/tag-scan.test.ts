import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  buildImage,
  buildIndex,
  FOUR_PLATFORMS,
  pushImage,
  pushIndex,
  startTestRegistry,
  type BuiltIndex,
  type TestRegistry,
} from '../../support/registry/index.js';
import { startTestService, type TestService } from '../../support/service.js';
import { createTestSigstore, pushLegacySignatures, type TestSigstore } from '../../support/sigstore/index.js';
import { startFaultProxy, type FaultProxy } from '../faults/fault-proxy.js';
import { VERIFICATION_FIELDS, type PolicyVariables, type VerificationReply } from './harness.js';

/**
 * The opt-in tag scan behind `Verification.hint` (`findSignedIndex: true`): a service that has never
 * seen an image's index can still name the signed index that lists an UNSIGNED platform digest, by
 * looking through a bounded number of the repository's tags. A real registry, behind a proxy that
 * counts requests and injects failures, and a test Sigstore the service trusts; every test starts a
 * fresh service, because indexes seen by one request are remembered for later hints.
 */
const ACME = 'https://github.com/acme/app/.github/workflows/release.yaml@refs/tags/v1';
const EVIL = 'https://github.com/evil/app/.github/workflows/release.yaml@refs/tags/v1';
const ISSUER = 'https://token.actions.githubusercontent.com';
const POLICY = { certificateIdentityRegexp: 'https://github.com/acme/.*', certificateOidcIssuer: ISSUER };

describe("the opt-in scan of a repository's tags for a signed index (findSignedIndex)", () => {
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let sigstore: TestSigstore;
  let dir: string;
  let trustedRootPath: string;
  const services: TestService[] = [];
  let signed: BuiltIndex;
  let foreign: BuiltIndex;
  let buried: BuiltIndex;

  /** A service that has seen nothing yet, reaching the registry through the proxy. */
  async function freshService(hintScanMaxTags?: number): Promise<TestService> {
    const service = await startTestService({
      insecureRegistries: [proxy.host],
      config: { verification: { trustedRootPath, maxSignaturesPerDigest: 100, hintScanMaxTags } },
    });
    services.push(service);
    return service;
  }

  /** Signs `index` with a certificate for `san`, as a release workflow would (legacy `.sig` tag). */
  async function sign(repository: string, index: BuiltIndex, tag: string, san: string): Promise<void> {
    const identity = sigstore.issueCertificate({ san: { uri: san }, issuer: ISSUER });
    await pushLegacySignatures({ url: registry.url }, repository, index.digest, [
      sigstore.signLegacy({
        imageDigest: index.digest,
        dockerReference: `${proxy.host}/${repository}:${tag}`,
        identity,
      }),
    ]);
  }

  async function verify(
    service: TestService,
    ref: string,
    findSignedIndex?: boolean,
    policy: PolicyVariables = POLICY,
  ): Promise<VerificationReply> {
    const reply = await service.graphql<{ image: { verification: VerificationReply } }>(
      `query($ref: String!, $policy: PolicyInput!, $find: Boolean) {
         image(ref: $ref) { verification(policy: $policy, findSignedIndex: $find) { ${VERIFICATION_FIELDS} } }
       }`,
      { ref, policy, find: findSignedIndex ?? null },
    );
    expect(reply.status).toBe(200);
    expect(reply.errors).toBeUndefined();
    return reply.data!.image.verification;
  }

  /** The repository's tags in the registry's own order, asked for directly (not through the proxy). */
  async function registryTags(repository: string): Promise<string[]> {
    const res = await fetch(`${registry.url}/v2/${repository}/tags/list`);
    return ((await res.json()) as { tags: string[] }).tags;
  }

  /** Forgets the requests seen so far (arming a rule that matches nothing does that, and passes all). */
  const forgetRequests = () => proxy.inject({ match: () => false, fault: { kind: 'hang' } });

  const platformOf = (repository: string, index: BuiltIndex, n = 0) =>
    `${proxy.host}/${repository}@${index.images[n]!.digest}`;

  /** GETs of `/v2/<repository>/manifests/<tag>` for tags of the scanned kind (not digests, not cosign's). */
  const tagManifestGets = (repository: string) =>
    proxy.requests
      .filter((r) => r.method === 'GET' && r.path.startsWith(`/v2/${repository}/manifests/`))
      .map((r) => r.path.slice(`/v2/${repository}/manifests/`.length))
      .filter((reference) => !reference.startsWith('sha256'));

  beforeAll(async () => {
    registry = await startTestRegistry();
    proxy = await startFaultProxy(registry.url);
    sigstore = createTestSigstore();
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-tag-scan-'));
    trustedRootPath = await sigstore.writeTrustedRoot(dir);
    const target = { url: registry.url };

    // scan/signed: a signed index tagged v1, next to a plain image under another tag.
    signed = buildIndex(
      FOUR_PLATFORMS.map((p) => buildImage(p, 'docker')),
      'docker',
    );
    await pushIndex(target, 'scan/signed', signed, 'v1');
    await pushImage(target, 'scan/signed', buildImage({ os: 'linux', architecture: 'riscv64' }), 'a-single');
    await sign('scan/signed', signed, 'v1', ACME);

    // scan/foreign: an index listing the digest, but signed by someone the policy does not trust.
    foreign = buildIndex(
      FOUR_PLATFORMS.slice(0, 2).map((p) => buildImage(p, 'oci')),
      'oci',
    );
    await pushIndex(target, 'scan/foreign', foreign, 'v1');
    await sign('scan/foreign', foreign, 'v1', EVIL);

    // scan/many: six plain tags that sort before the signed index's tag.
    buried = buildIndex(
      FOUR_PLATFORMS.slice(2).map((p) => buildImage(p, 'oci')),
      'oci',
    );
    await pushIndex(target, 'scan/many', buried, 'z-release');
    const plain = buildImage({ os: 'linux', architecture: 's390x' });
    for (const n of [1, 2, 3, 4, 5, 6]) await pushImage(target, 'scan/many', plain, `a${n}`);
    await sign('scan/many', buried, 'z-release', ACME);
  });
  afterAll(async () => {
    for (const service of services) await service.stop();
    await proxy?.stop();
    await registry?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  describe('on a service that never saw the index', () => {
    it('is UNSIGNED with no hint and lists no tags when the caller does not ask for the scan', async () => {
      const service = await freshService();
      forgetRequests();
      const v = await verify(service, platformOf('scan/signed', signed));
      expect(v).toMatchObject({ status: 'UNSIGNED', verified: false, hint: null });
      expect(proxy.requests.some((r) => r.path.includes('/tags/list'))).toBe(false);
    });

    it('is still UNSIGNED, with a hint naming the signed index and its tag, when the caller asks for the scan', async () => {
      const service = await freshService();
      const v = await verify(service, platformOf('scan/signed', signed, 1), true);
      expect(v).toMatchObject({ status: 'UNSIGNED', verified: false, inheritedFrom: null });
      expect(v.errors).toEqual([{ code: 'NO_SIGNATURES', message: 'no signatures found' }]);
      expect(v.hint).toContain(`listed by the image index ${signed.digest} (tag v1)`);
      expect(v.hint).toContain(`verify ${proxy.host}/scan/signed@${signed.digest} instead`);
    });

    it('remembers the index the scan found, so the next request hints without scanning', async () => {
      const service = await freshService();
      await verify(service, platformOf('scan/signed', signed, 2), true);
      forgetRequests();
      const v = await verify(service, platformOf('scan/signed', signed, 3));
      expect(v.hint).toContain(signed.digest);
      expect(proxy.requests.some((r) => r.path.includes('/tags/list'))).toBe(false);
    });

    it('answers the same through REST with "findSignedIndex": true', async () => {
      const service = await freshService();
      const res = await fetch(`${service.url}/v1/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          image: platformOf('scan/signed', signed),
          policy: POLICY,
          findSignedIndex: true,
        }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { status: string; hint: string | null };
      expect(body.status).toBe('UNSIGNED');
      expect(body.hint).toContain(`${signed.digest} (tag v1)`);
    });
  });

  it('gives no hint when the only index listing the digest is signed by someone the policy does not trust', async () => {
    const service = await freshService();
    const v = await verify(service, platformOf('scan/foreign', foreign), true);
    expect(v).toMatchObject({ status: 'UNSIGNED', hint: null });
    // It did look: the index was fetched and its signatures checked, and they did not verify.
    expect(tagManifestGets('scan/foreign')).toEqual(['v1']);
  });

  describe('when the repository has more tags than the cap', () => {
    it('looks only at the first N tags the registry lists, so an index listed after them is not found', async () => {
      // distribution 2.8 lists tags in storage order and ignores `n`, so the cap is chosen from its
      // own listing: as many tags as come before the index's (at least one).
      const order = await registryTags('scan/many');
      const cap = Math.max(1, order.indexOf('z-release'));
      const covered = order.slice(0, cap);
      const service = await freshService(cap);
      forgetRequests();
      const v = await verify(service, platformOf('scan/many', buried), true);
      const listings = proxy.requests.filter((r) => r.path.startsWith('/v2/scan/many/tags/list'));
      expect(listings.map((r) => r.path)).toEqual([`/v2/scan/many/tags/list?n=${cap}`]);
      // Exactly the covered tags' manifests were fetched (cosign's `.sig` tag skipped), none past them.
      expect(tagManifestGets('scan/many')).toEqual(covered.filter((tag) => !tag.startsWith('sha256-')));
      expect(v.status).toBe('UNSIGNED');
      if (covered.includes('z-release')) expect(v.hint).toContain(buried.digest);
      else expect(v.hint).toBeNull();
    });

    it('finds that index once the cap covers its tag', async () => {
      const service = await freshService(10);
      const v = await verify(service, platformOf('scan/many', buried, 1), true);
      expect(v.hint).toContain(`${buried.digest} (tag z-release)`);
    });
  });

  describe('when the registry fails during the scan', () => {
    afterEach(() => proxy.heal());

    it('gives no hint and no error when the tag list fails', async () => {
      const service = await freshService();
      proxy.inject({
        match: (_m, path) => path.includes('/tags/list'),
        fault: { kind: 'status', status: 500 },
      });
      const v = await verify(service, platformOf('scan/signed', signed), true);
      expect(v).toMatchObject({ status: 'UNSIGNED', verified: false, hint: null });
      expect(proxy.requests.some((r) => r.faulted)).toBe(true);
    });

    it("stops waiting for a registry that hangs during the scan when the request's deadline passes", async () => {
      const service = await startTestService({
        insecureRegistries: [proxy.host],
        config: { verification: { trustedRootPath, maxSignaturesPerDigest: 100 }, requestDeadlineMs: 1_000 },
      });
      services.push(service);
      proxy.inject({ match: (_m, path) => path.includes('/tags/list'), fault: { kind: 'hang' } });
      const started = Date.now();
      const reply = await service.graphql<{ image: { verification: VerificationReply } }>(
        `query($ref: String!, $policy: PolicyInput!) {
           image(ref: $ref) { verification(policy: $policy, findSignedIndex: true) { status hint } }
         }`,
        { ref: platformOf('scan/signed', signed), policy: POLICY },
      );
      // The verdict was in before the scan began: the cancelled scan only means no hint.
      expect(reply.errors).toBeUndefined();
      expect(reply.data?.image.verification).toEqual({ status: 'UNSIGNED', hint: null });
      // The registry timeout in tests is 5 s (and one retry): only the deadline can end it this soon.
      expect(Date.now() - started).toBeLessThan(4_000);
    });

    it("gives no hint and no error, and stops asking, when the tags' manifests fail", async () => {
      const service = await freshService();
      proxy.inject({
        match: (method, path) => method === 'GET' && /\/v2\/scan\/signed\/manifests\/(?!sha256)/.test(path),
        fault: { kind: 'status', status: 503 },
      });
      const v = await verify(service, platformOf('scan/signed', signed), true);
      expect(v).toMatchObject({ status: 'UNSIGNED', verified: false, hint: null });
      // The first tag asked for failed with a registry error (and was retried once): no other tag,
      // in particular not the signed index's v1 if it came later, was asked for after it.
      expect(new Set(tagManifestGets('scan/signed')).size).toBe(1);
      expect(proxy.requests.filter((r) => r.faulted).length).toBeGreaterThan(0);
    });
  });
});
