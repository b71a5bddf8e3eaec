import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../../src/registry/index.js';
import { createManifestLoader } from '../../../src/services/manifest-loader.js';
import { buildImage, pushImage, startTestRegistry, type TestRegistry } from '../../support/registry/index.js';
import { testConfig } from '../../support/service.js';
import { startCountingProxy, type CountingProxy } from './counting-proxy.js';

describe('the per-request manifest loader, against a real registry', () => {
  let registry: TestRegistry;
  let proxy: CountingProxy;
  const image = buildImage({ os: 'linux', architecture: 'amd64' });

  beforeAll(async () => {
    registry = await startTestRegistry();
    proxy = await startCountingProxy(registry.url);
    await pushImage({ url: registry.url }, 'loader/app', image, 'v1');
  });
  beforeEach(() => proxy.reset());
  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
  });

  function newLoader() {
    const client = createRegistryClient(testConfig({ insecureRegistries: [proxy.host] }).registry);
    return createManifestLoader(client);
  }
  const repo = () => ({ registry: proxy.host, repository: 'loader/app' });

  describe('after a manifest was fetched by tag', () => {
    it('answers a later lookup by its digest without another request', async () => {
      const loader = newLoader();
      const byTag = await loader.load({ repo: repo(), reference: 'v1' });
      const byDigest = await loader.load({ repo: repo(), reference: image.digest });
      expect(byTag.digest).toBe(image.digest);
      expect(byDigest).toBe(byTag);
      expect(proxy.manifestGets()).toBe(1);
    });
  });

  describe('when keys are loaded together', () => {
    it('returns results in key order, failures as errors in their own slot', async () => {
      const loader = newLoader();
      const results = await loader.loadMany([
        { repo: repo(), reference: 'missing' },
        { repo: repo(), reference: 'v1' },
        { repo: repo(), reference: 'v1' },
      ]);
      expect(results[0]).toMatchObject({ code: 'MANIFEST_UNKNOWN' });
      expect(results[1]).toMatchObject({ digest: image.digest });
      expect(results[2]).toBe(results[1]);
      expect(proxy.manifestGets()).toBe(2);
    });
  });

  describe('when two loaders (two requests) ask for the same tag', () => {
    it('each fetches it: nothing is cached beyond one request', async () => {
      await newLoader().load({ repo: repo(), reference: 'v1' });
      await newLoader().load({ repo: repo(), reference: 'v1' });
      expect(proxy.manifestGets()).toBe(2);
    });
  });
});
