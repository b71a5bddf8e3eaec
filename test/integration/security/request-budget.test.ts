import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRegistry, type FakeRegistry } from '../registry/fake-registry.js';
import { startTestService, type TestService } from '../../support/service.js';

/**
 * The per-request registry budget, confirmed from the registry's side: whatever a query makes the
 * service fetch — image manifests, and for each verification the `.sig` tag, the referrers API and
 * its tag fallback — one request never makes the service send more than its budget of requests.
 * The budget is charged in the transport, so signature discovery counts as much as image loading.
 */
const BUDGET = 50;
const IMAGES = 30;
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** A distinct (so never deduplicated) single-platform manifest for every tag. */
function manifestFor(tag: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: `sha256:${'0'.repeat(64)}`,
        size: 2,
      },
      layers: [],
      annotations: { tag },
    }),
  );
}

describe('registry requests per GraphQL request', () => {
  let registry: FakeRegistry;
  let service: TestService;

  beforeAll(async () => {
    registry = await startFakeRegistry();
    registry.handle((_req, res, path) => {
      const tag = /^\/v2\/budget\/[a-z0-9]+\/manifests\/(v\d+)$/.exec(path)?.[1];
      if (tag !== undefined)
        return void res.writeHead(200, { 'content-type': MANIFEST }).end(manifestFor(tag));
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    });
    service = await startTestService({
      insecureRegistries: [registry.host],
      registryConfig: { maxRequestsPerRequest: BUDGET },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await registry?.stop();
  });

  it('counts signature discovery too, stops at the budget and says so where it stopped', async () => {
    const refs = Array.from({ length: IMAGES }, (_, n) => `${registry.host}/budget/app${n}:v${n}`);
    const reply = await service.graphql<{
      images: { verification: { status: string; errors: { code: string; message: string }[] } }[];
    }>(
      `query($refs: [String!]!) { images(refs: $refs) {
          verification(policy: { certificateIdentity: "a", certificateOidcIssuer: "b" }) {
            status errors { code message } } } }`,
      { refs },
    );
    // Each image costs its manifest and three signature look-ups (more than the budget in all). A few
    // charged requests may never be sent: a look-up whose other half was refused is cancelled.
    expect(registry.requests.length).toBeLessThanOrEqual(BUDGET);
    expect(registry.requests.length).toBeGreaterThan(BUDGET - 10);
    const paths = registry.requests.map((r) => r.path);
    expect(paths.some((p) => p.includes('/referrers/'))).toBe(true);
    expect(paths.some((p) => p.endsWith('.sig'))).toBe(true);
    // Images whose verification ran out of budget say so; those that did not are UNSIGNED (the
    // registry has no signatures); an image whose manifest itself was refused is a field error.
    const verifications = (reply.data?.images ?? []).map((i) => i.verification);
    const refused = verifications.filter((v) => v.errors[0]?.code === 'TOO_MANY_REGISTRY_REQUESTS');
    const fieldErrors = (reply.errors ?? []).filter(
      (e) => e.extensions?.code === 'TOO_MANY_REGISTRY_REQUESTS',
    );
    expect(refused.length + fieldErrors.length).toBeGreaterThan(0);
    for (const v of refused) {
      expect(v.status).toBe('FAILED');
      expect(v.errors[0]?.message).toContain(`more than ${BUDGET} registry requests`);
    }
    expect(verifications.every((v) => v.status === 'UNSIGNED' || v.status === 'FAILED')).toBe(true);
  });

  it('gives every request a budget of its own', async () => {
    registry.requests.length = 0;
    const reply = await service.graphql(
      `{ image(ref: "${registry.host}/budget/other:v1") {
          verification(policy: { certificateIdentity: "a", certificateOidcIssuer: "b" }) { status } } }`,
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data).toEqual({ image: { verification: { status: 'UNSIGNED' } } });
    expect(registry.requests.length).toBeGreaterThanOrEqual(4);
  });
});
