import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REGISTRY_FETCHES_PER_REQUEST } from '../../../src/services/index.js';
import { startFakeRegistry, type FakeRegistry } from '../registry/fake-registry.js';
import { startTestService, type TestService } from '../../support/service.js';

/**
 * The per-request registry budget, confirmed from the registry's side: however a query multiplies
 * image look-ups (aliases, several lists), one request never makes the service send more than
 * MAX_REGISTRY_FETCHES_PER_REQUEST manifest requests.
 */
describe('registry requests per GraphQL request', () => {
  let registry: FakeRegistry;
  let service: TestService;

  beforeAll(async () => {
    registry = await startFakeRegistry();
    registry.handle((_req, res) => void res.writeHead(404, { 'content-type': 'application/json' }).end('{}'));
    service = await startTestService({ insecureRegistries: [registry.host] });
  });
  afterAll(async () => {
    await service?.stop();
    await registry?.stop();
  });

  it('stop at the budget and refuse the rest with TOO_MANY_REGISTRY_REQUESTS', async () => {
    const lists = [0, 1, 2].map((l) =>
      Array.from({ length: 100 }, (_, n) => `${registry.host}/budget/r${l}:t${n}`),
    );
    // graphql-js reports one error per failed non-null list (here the first 404), so the refusal is
    // observed on a separate field asked for after the lists have used up the budget.
    const reply = await service.graphql(
      `query($a: [String!]!, $b: [String!]!, $c: [String!]!) {
        a: images(refs: $a) { digest } b: images(refs: $b) { digest } c: images(refs: $c) { digest }
        last: image(ref: "${registry.host}/budget/last:v1") { digest } }`,
      { a: lists[0], b: lists[1], c: lists[2] },
    );
    expect(reply.errors?.find((e) => e.path?.[0] === 'last')?.extensions?.code).toBe(
      'TOO_MANY_REGISTRY_REQUESTS',
    );
    const manifestGets = registry.requests.filter((r) => r.path.includes('/manifests/')).length;
    expect(manifestGets).toBeLessThanOrEqual(MAX_REGISTRY_FETCHES_PER_REQUEST);
    expect(manifestGets).toBeGreaterThan(0);
  });
});
