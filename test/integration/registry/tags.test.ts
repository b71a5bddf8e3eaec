import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient, RegistryError, type RegistryClient } from '../../../src/registry/index.js';
import {
  buildImage,
  FOUR_PLATFORMS,
  pushImage,
  startTestRegistry,
  type TestRegistry,
} from '../../support/registry/index.js';
import { startFakeRegistry, type FakeRegistry } from './fake-registry.js';
import { testRegistryConfig } from './test-config.js';

describe('listing tags of a real registry (distribution)', () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  const tags = ['a1', 'a2', 'a3', 'a4', 'a5'];

  beforeAll(async () => {
    registry = await startTestRegistry();
    client = createRegistryClient(testRegistryConfig({ insecureRegistries: [registry.host] }));
    const image = buildImage(FOUR_PLATFORMS[0]!, 'oci');
    for (const tag of tags) await pushImage({ url: registry.url }, 'app/tagged', image, tag);
  });
  afterAll(async () => registry?.stop());

  it('returns every tag when there are fewer than the limit', async () => {
    const list = await client.listTags({ registry: registry.host, repository: 'app/tagged' });
    expect([...list.tags].sort()).toEqual(tags);
    expect(list.truncated).toBe(false);
  });

  it('returns at most `limit` tags and says there were more', async () => {
    const list = await client.listTags({ registry: registry.host, repository: 'app/tagged' }, { limit: 3 });
    expect(list.tags).toHaveLength(3);
    expect(list.truncated).toBe(true);
  });

  it('reports an unknown repository as NAME_UNKNOWN', async () => {
    const failure = await client
      .listTags({ registry: registry.host, repository: 'app/nothing-here' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RegistryError);
    expect((failure as RegistryError).code).toBe('NAME_UNKNOWN');
  });

  it('refuses a limit that would make the listing unbounded', async () => {
    for (const limit of [-1, 1.5, Number.POSITIVE_INFINITY, 10_001]) {
      const failure = await client
        .listTags({ registry: registry.host, repository: 'app/tagged' }, { limit })
        .catch((error: unknown) => error);
      expect((failure as RegistryError).code).toBe('INVALID_REQUEST');
    }
  });
});

describe('listing tags of a registry that paginates, ignores n or misbehaves', () => {
  let fake: FakeRegistry;
  let client: RegistryClient;
  const repo = () => ({ registry: fake.host, repository: 'app/x' });
  const json = (tags: unknown) => JSON.stringify({ name: 'app/x', tags });

  beforeAll(async () => {
    fake = await startFakeRegistry();
    client = createRegistryClient(testRegistryConfig({ insecureRegistries: [fake.host], maxRetries: 0 }));
  });
  afterAll(async () => fake?.stop());

  it('asks for no more than the limit and follows Link pagination to the last page', async () => {
    fake.handle((_req, res, path) => {
      if (path === '/v2/app/x/tags/list?n=10') {
        res.writeHead(200, {
          'content-type': 'application/json',
          link: '</v2/app/x/tags/list?n=10&last=b>; rel="next"',
        });
        return void res.end(json(['a', 'b']));
      }
      if (path === '/v2/app/x/tags/list?n=10&last=b') return void res.writeHead(200).end(json(['c']));
      res.writeHead(404).end();
    });
    const list = await client.listTags(repo(), { limit: 10 });
    expect(list).toEqual({ tags: ['a', 'b', 'c'], truncated: false });
    expect(fake.requests.map((r) => r.path)).toContain('/v2/app/x/tags/list?n=10&last=b');
  });

  it('cuts an answer that ignored n to the limit and says it did', async () => {
    fake.handle((_req, res) => void res.writeHead(200).end(json(['a', 'b', 'c', 'd'])));
    expect(await client.listTags(repo(), { limit: 2 })).toEqual({ tags: ['a', 'b'], truncated: true });
  });

  it('stops following endless empty pages and says it truncated', async () => {
    fake.handle((_req, res) => {
      res.writeHead(200, { link: '</v2/app/x/tags/list?n=5&last=z>; rel="next"' });
      res.end(json([]));
    });
    const list = await client.listTags(repo(), { limit: 5 });
    expect(list).toEqual({ tags: [], truncated: true });
    expect(fake.requests.filter((r) => r.path.startsWith('/v2/app/x/tags/list')).length).toBe(50);
  });

  it('refuses a Link to another host rather than send credentials there', async () => {
    fake.handle((_req, res) => {
      res.writeHead(200, { link: '<http://169.254.169.254/v2/app/x/tags/list?last=a>; rel="next"' });
      res.end(json(['a']));
    });
    const failure = await client.listTags(repo(), { limit: 5 }).catch((error: unknown) => error);
    expect((failure as RegistryError).code).toBe('REGISTRY_PROTOCOL_ERROR');
  });

  it('reports a failing registry with its code rather than as no tags', async () => {
    fake.handle((_req, res) => void res.writeHead(503).end());
    const failure = await client.listTags(repo()).catch((error: unknown) => error);
    expect((failure as RegistryError).code).toBe('REGISTRY_UNAVAILABLE');
  });

  it('sends no request at all for a limit of 0', async () => {
    fake.handle((_req, res) => void res.writeHead(200).end(json(['a'])));
    expect(await client.listTags(repo(), { limit: 0 })).toEqual({ tags: [], truncated: false });
    expect(fake.requests).toHaveLength(0);
  });
});
