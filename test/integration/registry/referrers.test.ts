import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryConfig } from '../../../src/config/index.js';
import { discoverSignatures } from '../../../src/discovery/index.js';
import {
  createRegistryClient,
  digestToTag,
  MAX_REFERRERS_PAGES,
  type RegistryClient,
} from '../../../src/registry/index.js';
import {
  buildImage,
  FOUR_PLATFORMS,
  MT,
  pushBlob,
  pushImage,
  pushManifest,
  sha256Digest,
  startTestRegistry,
  type TestRegistry,
} from '../../support/registry/index.js';
import { startFakeRegistry, type FakeRegistry } from './fake-registry.js';
import { testRegistryConfig } from './test-config.js';

const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const SBOM_TYPE = 'application/spdx+json';

interface Artifact {
  readonly descriptor: { mediaType: string; digest: string; size: number; artifactType: string };
  readonly manifest: Buffer;
}

/** An OCI 1.1 artifact manifest referring to `subject`, the way cosign v3 attaches a bundle. */
function buildArtifact(
  subject: { digest: string; size: number },
  artifactType: string,
  payload: string,
): Artifact {
  const layer = Buffer.from(payload);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.ociManifest,
      artifactType,
      config: { mediaType: MT.ociEmpty, digest: sha256Digest('{}'), size: 2 },
      layers: [{ mediaType: artifactType, digest: sha256Digest(layer), size: layer.length }],
      subject: { mediaType: MT.ociManifest, digest: subject.digest, size: subject.size },
    }),
  );
  return {
    descriptor: {
      mediaType: MT.ociManifest,
      digest: sha256Digest(manifest),
      size: manifest.length,
      artifactType,
    },
    manifest,
  };
}

describe('listing referrers on a registry without the referrers API (distribution 2.8)', () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  const subject = buildImage(FOUR_PLATFORMS[0]!, 'oci');
  const lonely = buildImage(FOUR_PLATFORMS[1]!, 'oci');
  const bundle = buildArtifact(subject, BUNDLE_TYPE, '{"mediaType":"bundle"}');
  const sbom = buildArtifact(subject, SBOM_TYPE, '{"spdxVersion":"SPDX-2.3"}');

  beforeAll(async () => {
    registry = await startTestRegistry();
    client = createRegistryClient(testRegistryConfig({ insecureRegistries: [registry.host] }));
    const target = { url: registry.url };
    await pushImage(target, 'app/signed', subject, 'v1');
    await pushImage(target, 'app/signed', lonely, 'v2');
    await pushBlob(target, 'app/signed', '{}');
    for (const [artifact, payload] of [
      [bundle, '{"mediaType":"bundle"}'],
      [sbom, '{"spdxVersion":"SPDX-2.3"}'],
    ] as const) {
      await pushBlob(target, 'app/signed', payload);
      await pushManifest(target, 'app/signed', artifact.descriptor.digest, artifact.manifest, MT.ociManifest);
    }
    // The tag-schema index: what a client writes when the registry has no referrers API.
    const fallback = JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.ociIndex,
      manifests: [bundle.descriptor, sbom.descriptor],
    });
    await pushManifest(target, 'app/signed', digestToTag(subject.digest), fallback, MT.ociIndex);
  });
  afterAll(async () => registry?.stop());

  it('finds the referrers through the sha256-<hex> tag', async () => {
    const list = await client.listReferrers(
      { registry: registry.host, repository: 'app/signed' },
      subject.digest,
    );
    expect(list.source).toBe('tag-fallback');
    expect(list.truncated).toBe(false);
    expect(list.descriptors.map((d) => d.digest)).toEqual([bundle.descriptor.digest, sbom.descriptor.digest]);
    expect(list.descriptors[0]?.artifactType).toBe(BUNDLE_TYPE);
  });

  it('keeps only the asked-for artifactType', async () => {
    const list = await client.listReferrers(
      { registry: registry.host, repository: 'app/signed' },
      subject.digest,
      {
        artifactType: BUNDLE_TYPE,
      },
    );
    expect(list.descriptors.map((d) => d.digest)).toEqual([bundle.descriptor.digest]);
  });

  it('returns at most `limit` descriptors and says it truncated', async () => {
    const list = await client.listReferrers(
      { registry: registry.host, repository: 'app/signed' },
      subject.digest,
      {
        limit: 1,
      },
    );
    expect(list.descriptors).toHaveLength(1);
    expect(list.truncated).toBe(true);
  });

  it('answers "none" when the fallback tag does not exist', async () => {
    const list = await client.listReferrers(
      { registry: registry.host, repository: 'app/signed' },
      lonely.digest,
    );
    expect(list).toEqual({ descriptors: [], source: 'tag-fallback', truncated: false });
  });

  it('lets the artifact itself be fetched and shows its subject', async () => {
    const fetched = await client.fetchManifest(
      { registry: registry.host, repository: 'app/signed' },
      bundle.descriptor.digest,
    );
    expect(fetched.manifest.subject?.digest).toBe(subject.digest);
    expect(fetched.manifest.artifactType).toBe(BUNDLE_TYPE);
  });
});

describe('listing referrers through the OCI 1.1 referrers API', () => {
  let fake: FakeRegistry;
  let client: RegistryClient;
  const subject = `sha256:${'a'.repeat(64)}`;
  const entry = (n: number, artifactType: string) => ({
    mediaType: MT.ociManifest,
    digest: `sha256:${n.toString(16).padStart(64, '0')}`,
    size: 100 + n,
    artifactType,
  });
  const page = (manifests: unknown[]) =>
    JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests });

  beforeAll(async () => {
    fake = await startFakeRegistry();
    client = createRegistryClient(testRegistryConfig({ insecureRegistries: [fake.host] }));
  });
  afterAll(async () => fake?.stop());

  it('follows Link pagination and reports the api as the source', async () => {
    fake.handle((_req, res, path) => {
      const headers = { 'content-type': MT.ociIndex };
      if (path === `/v2/app/x/referrers/${subject}`) {
        res.writeHead(200, { ...headers, link: `</v2/app/x/referrers/${subject}?last=2>; rel="next"` });
        return void res.end(page([entry(1, BUNDLE_TYPE), entry(2, SBOM_TYPE)]));
      }
      if (path === `/v2/app/x/referrers/${subject}?last=2`)
        return void res.writeHead(200, headers).end(page([entry(3, BUNDLE_TYPE)]));
      res.writeHead(404).end();
    });
    const list = await client.listReferrers({ registry: fake.host, repository: 'app/x' }, subject);
    expect(list.source).toBe('api');
    expect(list.truncated).toBe(false);
    expect(list.descriptors.map((d) => d.size)).toEqual([101, 102, 103]);
  });

  it('sends the artifactType filter and still filters what an unfiltering registry returns', async () => {
    fake.handle(
      (_req, res) =>
        void res
          .writeHead(200, { 'content-type': MT.ociIndex })
          .end(page([entry(1, BUNDLE_TYPE), entry(2, SBOM_TYPE)])),
    );
    const list = await client.listReferrers({ registry: fake.host, repository: 'app/x' }, subject, {
      artifactType: SBOM_TYPE,
    });
    expect(fake.requests.at(-1)?.path).toBe(
      `/v2/app/x/referrers/${subject}?artifactType=${encodeURIComponent(SBOM_TYPE)}`,
    );
    expect(list.descriptors.map((d) => d.artifactType)).toEqual([SBOM_TYPE]);
  });

  it('stops at the limit without fetching further pages', async () => {
    fake.handle((_req, res) => {
      res.writeHead(200, {
        'content-type': MT.ociIndex,
        link: `</v2/app/x/referrers/${subject}?last=more>; rel="next"`,
      });
      res.end(page([entry(1, BUNDLE_TYPE), entry(2, BUNDLE_TYPE)]));
    });
    const list = await client.listReferrers({ registry: fake.host, repository: 'app/x' }, subject, {
      limit: 3,
    });
    expect(list.descriptors).toHaveLength(3);
    expect(list.truncated).toBe(true);
    expect(fake.requests.filter((r) => r.path.includes('/referrers/'))).toHaveLength(2);
  });

  it('stops after 50 pages of a listing that never ends, and says that is why', async () => {
    let n = 0;
    fake.handle((_req, res, path) => {
      if (!path.includes('/referrers/')) return void res.writeHead(404).end();
      n += 1;
      res.writeHead(200, {
        'content-type': MT.ociIndex,
        link: `</v2/app/x/referrers/${subject}?page=${n}>; rel="next"`,
      });
      res.end(page([]));
    });
    const list = await client.listReferrers({ registry: fake.host, repository: 'app/x' }, subject);
    expect(fake.requests.filter((r) => r.path.includes('/referrers/'))).toHaveLength(MAX_REFERRERS_PAGES);
    expect(list).toEqual({ descriptors: [], source: 'api', truncated: true, pageLimitReached: true });
    // Discovery reports what happened: not "more than 1000 bundle referrers" after 50 empty pages.
    const found = await discoverSignatures(client, { registry: fake.host, repository: 'app/x' }, subject, {
      maxSignatures: 1000,
      maxPayloadBytes: 1024 * 1024,
    });
    const problem = found.problems.find((p) => p.code === 'TOO_MANY_SIGNATURES');
    expect(problem?.message).toContain(
      `did not end within ${MAX_REFERRERS_PAGES} pages (0 referrers listed so far)`,
    );
    expect(problem?.message).not.toContain('more than 1000');
  });

  it('refuses a Link that points to another host', async () => {
    fake.handle((_req, res) => {
      res.writeHead(200, {
        'content-type': MT.ociIndex,
        link: '<http://169.254.169.254/latest>; rel="next"',
      });
      res.end(page([entry(1, BUNDLE_TYPE)]));
    });
    const failure = client.listReferrers({ registry: fake.host, repository: 'app/x' }, subject);
    await expect(failure).rejects.toMatchObject({ code: 'REGISTRY_PROTOCOL_ERROR' });
  });
});

describe('fetching the referrers tag fallback ahead of the API answer', () => {
  let fake: FakeRegistry;
  const subject = `sha256:${'b'.repeat(64)}`;
  const apiPath = `/v2/app/x/referrers/${subject}`;
  const fallbackPath = `/v2/app/x/manifests/${digestToTag(subject)}`;
  const listing = (size: number) =>
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.ociIndex,
      manifests: [
        { mediaType: MT.ociManifest, digest: `sha256:${'c'.repeat(64)}`, size, artifactType: BUNDLE_TYPE },
      ],
    });
  const index = (res: ServerResponse, size: number) =>
    void res.writeHead(200, { 'content-type': MT.ociIndex }).end(listing(size));
  const newClient = (overrides: Partial<Omit<RegistryConfig, 'insecureRegistries'>> = {}) =>
    createRegistryClient(testRegistryConfig({ insecureRegistries: [fake.host], ...overrides }));
  const repo = () => ({ registry: fake.host, repository: 'app/x' });
  const asked = (path: string) => fake.requests.filter((r) => r.path === path).length;

  beforeAll(async () => {
    fake = await startFakeRegistry();
  });
  afterAll(async () => fake?.stop());

  it('asks for the fallback tag while the API is still answering, and reads it after the 404', async () => {
    let fallbackAsked = (): void => undefined;
    const fallbackSeen = new Promise<boolean>((resolve) => (fallbackAsked = () => resolve(true)));
    let seenBeforeApiAnswered: boolean | undefined;
    fake.handle(async (_req, res, path) => {
      if (path === apiPath) {
        // Bounded, so that a client that waits for this answer fails the assertion below instead
        // of hanging the test.
        seenBeforeApiAnswered = await Promise.race([fallbackSeen, delay(2_000).then(() => false)]);
        return void res.writeHead(404).end();
      }
      if (path === fallbackPath) {
        fallbackAsked();
        return index(res, 7);
      }
      res.writeHead(404).end();
    });
    const list = await newClient().listReferrers(repo(), subject);
    expect(seenBeforeApiAnswered).toBe(true);
    expect(list).toMatchObject({ source: 'tag-fallback', truncated: false });
    expect(list.descriptors.map((d) => d.size)).toEqual([7]);
  });

  it('answers from the API when it answers, never from a fallback tag, and stops asking for it', async () => {
    fake.handle((_req, res, path) => {
      if (path === apiPath) return index(res, 1);
      if (path === fallbackPath) return index(res, 9);
      res.writeHead(404).end();
    });
    const client = newClient();
    for (let n = 0; n < 3; n += 1) {
      const list = await client.listReferrers(repo(), subject);
      expect(list.source).toBe('api');
      expect(list.descriptors.map((d) => d.size)).toEqual([1]);
    }
    // Only the first listing, before the registry was known to have the API, asked for it too.
    expect(asked(apiPath)).toBe(3);
    expect(asked(fallbackPath)).toBe(1);
  });

  it('fails with the API error when the API fails, whatever the fallback said', async () => {
    fake.handle((_req, res, path) => {
      if (path === apiPath) return void res.writeHead(503).end();
      if (path === fallbackPath) return index(res, 9);
      res.writeHead(404).end();
    });
    const listing = newClient({ maxRetries: 0 }).listReferrers(repo(), subject);
    await expect(listing).rejects.toMatchObject({ code: 'REGISTRY_UNAVAILABLE' });
  });

  it('fails with the fallback error after a 404, as asking afterwards would', async () => {
    fake.handle((_req, res, path) => {
      if (path === apiPath) return void res.writeHead(404).end();
      if (path === fallbackPath) return void res.writeHead(503).end();
      res.writeHead(404).end();
    });
    const listing = newClient({ maxRetries: 0 }).listReferrers(repo(), subject);
    await expect(listing).rejects.toMatchObject({ code: 'REGISTRY_UNAVAILABLE' });
  });

  it('lets a fallback nobody reads fail without an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      let fallbackFailed = (): void => undefined;
      const failed = new Promise<void>((resolve) => (fallbackFailed = resolve));
      fake.handle((_req, res, path) => {
        if (path === apiPath) return index(res, 1);
        if (path === fallbackPath) {
          res.writeHead(503).end();
          return fallbackFailed();
        }
        res.writeHead(404).end();
      });
      const list = await newClient({ maxRetries: 0 }).listReferrers(repo(), subject);
      expect(list.source).toBe('api');
      await Promise.race([failed, delay(2_000)]);
      expect(asked(fallbackPath)).toBe(1);
      // Rejections are reported after the microtask queue drains; give the client's own turn a go.
      await delay(50);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('with referrersFallbackAhead off, asks for the fallback only after the 404', async () => {
    let seenBeforeApiAnswered: boolean | undefined;
    fake.handle(async (_req, res, path) => {
      if (path === apiPath) {
        await delay(100);
        seenBeforeApiAnswered = asked(fallbackPath) > 0;
        return void res.writeHead(404).end();
      }
      if (path === fallbackPath) return index(res, 7);
      res.writeHead(404).end();
    });
    const list = await newClient({ referrersFallbackAhead: false }).listReferrers(repo(), subject);
    expect(seenBeforeApiAnswered).toBe(false);
    expect(list.descriptors.map((d) => d.size)).toEqual([7]);
  });
});
