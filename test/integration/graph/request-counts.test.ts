import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
import { loadConfig } from '../../../src/config/index.js';
import { startTestService, type TestService } from '../../support/service.js';
import { startCountingProxy, type CountingProxy } from './counting-proxy.js';

/**
 * What a query costs in registry requests, counted by a proxy between the service and a real registry.
 * Each test resets the count; each GraphQL request gets fresh loaders, so counts never leak across tests.
 */

/** Registry requests one request may cause, in this file. */
const BUDGET = 250;
describe('registry requests per GraphQL request', () => {
  let registry: TestRegistry;
  let proxy: CountingProxy;
  let service: TestService;
  let list: BuiltIndex;
  let ref: string;

  beforeAll(async () => {
    registry = await startTestRegistry();
    proxy = await startCountingProxy(registry.url);
    // Caching off: these tests count what ONE request costs. Reuse across requests is the cache's
    // business and is counted in test/integration/cache/service.test.ts.
    const defaults = loadConfig({}).cache;
    service = await startTestService({
      insecureRegistries: [proxy.host],
      // A small registry budget, so one test can use it up (the default is sized for fleet queries).
      registryConfig: { maxRequestsPerRequest: BUDGET },
      config: {
        cache: {
          ...defaults,
          contentTtlSeconds: 0,
          tagTtlSeconds: 0,
          listingTtlSeconds: 0,
          verificationTtlSeconds: 0,
          failureTtlSeconds: 0,
        },
      },
    });
    list = buildIndex(
      FOUR_PLATFORMS.map((p) => buildImage(p, 'docker')),
      'docker',
    );
    await pushIndex({ url: registry.url }, 'count/multi', list, 'v1');
    await pushImage(
      { url: registry.url },
      'count/single',
      buildImage({ os: 'linux', architecture: 'amd64' }),
      'v1',
    );
    ref = `${proxy.host}/count/multi:v1`;
  });
  beforeEach(() => proxy.reset());
  afterAll(async () => {
    await service?.stop();
    await proxy?.stop();
    await registry?.stop();
  });

  describe('when only reference fields are asked for', () => {
    it('makes no registry request at all', async () => {
      const { data, errors } = await service.graphql(
        `{ image(ref: "${ref}") { ref registry repository tag } }`,
      );
      expect(errors).toBeUndefined();
      expect(data).toBeTruthy();
      expect(proxy.requests).toEqual([]);
    });
  });

  describe('when only the digest is asked for', () => {
    it('makes exactly one manifest GET', async () => {
      const { data, errors } = await service.graphql<{ image: { digest: string } }>(
        `{ image(ref: "${ref}") { digest } }`,
      );
      expect(errors).toBeUndefined();
      expect(data?.image.digest).toBe(list.digest);
      expect(proxy.manifestGets()).toBe(1);
      expect(proxy.requests.filter((r) => r.includes('/manifests/'))).toEqual([
        `GET /v2/count/multi/manifests/v1`,
      ]);
    });
  });

  describe('when digest, media type, manifest list, entries and platform() are all asked for', () => {
    it('reuses the one manifest fetch for every field', async () => {
      const { errors } = await service.graphql(
        `{ image(ref: "${ref}") {
            digest mediaType manifest { digest }
            manifestList { digest manifests { digest platform { os architecture } } }
            platform(platform: "linux/arm64") { digest platform { architecture } }
        } }`,
      );
      expect(errors).toBeUndefined();
      expect(proxy.manifestGets()).toBe(1);
      expect(proxy.blobGets()).toBe(0);
    });
  });

  describe('when the same image is asked for many times in one request', () => {
    it('fetches it once, however it is spelled and wherever it appears', async () => {
      const { data, errors } = await service.graphql<{
        a: { digest: string };
        b: { digest: string };
        c: { digest: string }[];
      }>(
        `query($refs: [String!]!) {
            a: image(ref: "${ref}") { digest }
            b: image(ref: "${proxy.host}/count/multi:v1") { digest mediaType }
            c: images(refs: $refs) { digest manifestList { digest } }
        }`,
        { refs: [ref, ref, ref] },
      );
      expect(errors).toBeUndefined();
      expect(data?.c.map((i) => i.digest)).toEqual([list.digest, list.digest, list.digest]);
      expect(proxy.manifestGets()).toBe(1);
    });

    it('fetches a tag and its digest side by side once each when both are asked for in the same tick', async () => {
      const { data, errors } = await service.graphql<{ tag: { digest: string }; pinned: { digest: string } }>(
        `{ tag: image(ref: "${ref}") { digest }
           pinned: image(ref: "${proxy.host}/count/multi@${list.digest}") { digest manifestList { digest } } }`,
      );
      expect(errors).toBeUndefined();
      expect(data?.pinned.digest).toBe(data?.tag.digest);
      // Both loads are issued before either answer arrives, so neither can be served from the other:
      // one GET for the tag, one for the digest, and nothing more for the repeated fields.
      expect(proxy.manifestGets()).toBe(2);
    });
  });

  describe('when two separate GraphQL requests ask for the same image', () => {
    it('fetches it once per request: loaders are never shared between requests', async () => {
      await service.graphql(`{ image(ref: "${ref}") { digest } }`);
      await service.graphql(`{ image(ref: "${ref}") { digest } }`);
      expect(proxy.manifestGets()).toBe(2);
    });
  });

  describe('when a single-platform image is asked for its platform', () => {
    it('adds exactly one config blob GET, shared by manifest.platform and platform()', async () => {
      const { data, errors } = await service.graphql<{
        image: { manifest: { platform: { architecture: string } } };
      }>(
        `{ image(ref: "${proxy.host}/count/single:v1") {
            manifest { platform { architecture } }
            amd64: platform(platform: "linux/amd64") { digest platform { os } }
        } }`,
      );
      expect(errors).toBeUndefined();
      expect(data?.image.manifest.platform.architecture).toBe('amd64');
      expect(proxy.manifestGets()).toBe(1);
      expect(proxy.blobGets()).toBe(1);
    });
  });

  describe('when one request names more images than its fetch budget allows', () => {
    it('makes at most its budget of registry requests and refuses the rest with TOO_MANY_REGISTRY_REQUESTS', async () => {
      // Three lists of 100 distinct (missing) tags, each within the per-list cap, use up the budget;
      // the image asked for after them exists but is refused. graphql-js reports one error per failed
      // non-null list, so the refusal is observed on the separate field.
      const lists = [0, 1, 2].map((l) =>
        Array.from({ length: 100 }, (_, n) => `${proxy.host}/count/multi:t${l}-${n}`),
      );
      const { data, errors } = await service.graphql(
        `query($a: [String!]!, $b: [String!]!, $c: [String!]!) {
            a: images(refs: $a) { digest } b: images(refs: $b) { digest } c: images(refs: $c) { digest }
            last: image(ref: "${ref}") { digest } }`,
        { a: lists[0], b: lists[1], c: lists[2] },
      );
      expect(data).toBeNull();
      expect(errors?.find((e) => e.path?.[0] === 'last')?.extensions?.code).toBe(
        'TOO_MANY_REGISTRY_REQUESTS',
      );
      expect(proxy.manifestGets()).toBe(BUDGET);
      expect(proxy.requests).toHaveLength(BUDGET);
    });
  });
});
