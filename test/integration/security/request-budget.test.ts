import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRegistry, type FakeRegistry } from '../registry/fake-registry.js';
import { startTestService, type TestService } from '../../support/service.js';

/**
 * The per-request registry budget, confirmed from the registry's side: whatever a query makes the
 * service fetch — image manifests, and for each verification the `.sig` tag, the referrers API and
 * its tag fallback — one request never makes the service send more than its budget of requests.
 * The budget is charged in the transport, so signature discovery counts as much as image loading.
 */
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const VERIFY = `verification(policy: { certificateIdentity: "a", certificateOidcIssuer: "b" }) {
  status errors { code message } }`;

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

interface Verified {
  readonly status: string;
  readonly errors: readonly { readonly code: string; readonly message: string }[];
}

describe('registry requests per GraphQL request', () => {
  let registry: FakeRegistry;
  /** One service per budget: 4 is what one unsigned image's verification costs, 3 is one short. */
  const services = new Map<number, TestService>();

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
    for (const budget of [3, 4, 50]) {
      services.set(
        budget,
        await startTestService({
          insecureRegistries: [registry.host],
          registryConfig: { maxRequestsPerRequest: budget },
        }),
      );
    }
  });
  afterAll(async () => {
    for (const service of services.values()) await service.stop();
    await registry?.stop();
  });

  const verifyOne = async (budget: number, n: number) => {
    registry.requests.length = 0;
    const reply = await services
      .get(budget)!
      .graphql<{ image: { verification: Verified } }>(
        `{ image(ref: "${registry.host}/budget/app${n}:v${n}") { ${VERIFY} } }`,
      );
    return { reply, paths: registry.requests.map((r) => r.path) };
  };

  it('charges the signature look-ups: the manifest, the .sig tag, the referrers API and its fallback', async () => {
    const { reply, paths } = await verifyOne(4, 1);
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.image.verification.status).toBe('UNSIGNED');
    expect(paths).toHaveLength(4);
    expect(paths.some((p) => p.includes('/referrers/'))).toBe(true);
    expect(paths.some((p) => p.endsWith('.sig'))).toBe(true);
  });

  it('refuses the look-up one request short, as FAILED with TOO_MANY_REGISTRY_REQUESTS, never UNSIGNED', async () => {
    const { reply, paths } = await verifyOne(3, 2);
    expect(paths.length).toBeLessThanOrEqual(3);
    expect(reply.data?.image.verification).toEqual({
      status: 'FAILED',
      errors: [
        {
          code: 'TOO_MANY_REGISTRY_REQUESTS',
          message: 'this request needs more than 3 registry requests; split it into smaller queries',
        },
      ],
    });
  });

  it('never sends more than the budget for many images, and gives every request a budget of its own', async () => {
    registry.requests.length = 0;
    const refs = Array.from({ length: 30 }, (_, n) => `${registry.host}/budget/many${n}:v${n}`);
    const service = services.get(50)!;
    const reply = await service.graphql<{ images: { verification: Verified }[] }>(
      `query($refs: [String!]!) { images(refs: $refs) { ${VERIFY} } }`,
      { refs },
    );
    expect(registry.requests.length).toBeLessThanOrEqual(50);
    const statuses = (reply.data?.images ?? []).map((i) =>
      i.verification.status === 'FAILED' ? i.verification.errors[0]?.code : i.verification.status,
    );
    expect(statuses).toContain('TOO_MANY_REGISTRY_REQUESTS');
    expect(statuses.every((s) => s === 'UNSIGNED' || s === 'TOO_MANY_REGISTRY_REQUESTS')).toBe(true);
    // The next request starts with a full budget.
    const { reply: next } = await verifyOne(50, 3);
    expect(next.data?.image.verification.status).toBe('UNSIGNED');
  });
});
