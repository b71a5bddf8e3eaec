import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRegistryClient,
  isAttestationDescriptor,
  RegistryError,
  type RegistryClient,
} from '../../../src/registry/index.js';
import {
  buildImage,
  buildIndex,
  FOUR_PLATFORMS,
  MT,
  pushBlob,
  pushImage,
  pushIndex,
  sha256Digest,
  startTestRegistry,
  type TestRegistry,
} from '../../support/registry/index.js';
import { testRegistryConfig } from './test-config.js';

describe('fetching manifests and blobs from a real registry', () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  beforeAll(async () => {
    registry = await startTestRegistry();
    client = createRegistryClient(testRegistryConfig({ insecureRegistries: [registry.host] }));
  });
  afterAll(async () => registry?.stop());

  describe('given a Docker manifest list with four platforms', () => {
    const index = buildIndex(
      FOUR_PLATFORMS.map((p) => buildImage(p, 'docker')),
      'docker',
    );
    beforeAll(async () => {
      await pushIndex({ url: registry.url }, 'library/multi', index, 'v1');
    });

    it('returns the list by tag with its locally computed digest and all four platforms', async () => {
      const fetched = await client.fetchManifest(
        { registry: registry.host, repository: 'library/multi' },
        'v1',
      );
      expect(fetched.digest).toBe(index.digest);
      expect(fetched.mediaType).toBe(MT.dockerList);
      expect(fetched.size).toBe(index.size);
      expect(Buffer.from(fetched.bytes).equals(Buffer.from(index.manifest))).toBe(true);
      expect(fetched.manifest.kind).toBe('index');
      if (fetched.manifest.kind !== 'index') return;
      expect(fetched.manifest.manifests.map((d) => d.platform?.architecture)).toEqual([
        'amd64',
        'arm64',
        'ppc64le',
        's390x',
      ]);
    });

    it('returns every child manifest by digest, verified against that digest', async () => {
      for (const image of index.images) {
        const child = await client.fetchManifest(
          { registry: registry.host, repository: 'library/multi' },
          image.digest,
        );
        expect(child.digest).toBe(image.digest);
        expect(child.mediaType).toBe(MT.dockerManifest);
        expect(child.manifest.kind).toBe('image');
      }
    });

    it('returns the list itself by digest', async () => {
      const fetched = await client.fetchManifest(
        { registry: registry.host, repository: 'library/multi' },
        index.digest,
      );
      expect(fetched.digest).toBe(index.digest);
    });

    it('returns a config blob verified against its digest', async () => {
      const image = index.images[0]!;
      const blob = await client.fetchBlob(
        { registry: registry.host, repository: 'library/multi' },
        sha256Digest(image.config),
        { maxBytes: 1024 * 1024 },
      );
      expect(Buffer.from(blob).equals(Buffer.from(image.config))).toBe(true);
    });

    it('refuses a blob larger than maxBytes with BLOB_TOO_LARGE', async () => {
      const image = index.images[0]!;
      const failure = client.fetchBlob(
        { registry: registry.host, repository: 'library/multi' },
        sha256Digest(image.layer),
        {
          maxBytes: 10,
        },
      );
      await expect(failure).rejects.toMatchObject({ code: 'BLOB_TOO_LARGE' });
    });
  });

  describe('given an OCI index with buildx attestation entries', () => {
    const index = buildIndex(
      FOUR_PLATFORMS.slice(0, 2).map((p) => buildImage(p, 'oci')),
      'oci',
      { attestations: true },
    );
    beforeAll(async () => {
      await pushIndex({ url: registry.url }, 'app/attested', index, 'latest');
    });

    it('returns the index with platform entries and attestation entries told apart', async () => {
      const fetched = await client.fetchManifest(
        { registry: registry.host, repository: 'app/attested' },
        'latest',
      );
      expect(fetched.mediaType).toBe(MT.ociIndex);
      if (fetched.manifest.kind !== 'index') throw new Error('expected an index');
      const attestations = fetched.manifest.manifests.filter(isAttestationDescriptor);
      const platforms = fetched.manifest.manifests.filter((d) => !isAttestationDescriptor(d));
      expect(platforms.map((d) => d.digest)).toEqual(index.images.map((i) => i.digest));
      expect(attestations.map((d) => d.digest)).toEqual(index.extra.map((i) => i.digest));
      expect(attestations[0]?.annotations?.['vnd.docker.reference.digest']).toBe(index.images[0]!.digest);
    });

    it('returns an attestation manifest by digest', async () => {
      const attestation = index.extra[0]!;
      const fetched = await client.fetchManifest(
        { registry: registry.host, repository: 'app/attested' },
        attestation.digest,
      );
      expect(fetched.digest).toBe(attestation.digest);
      expect(fetched.manifest.kind).toBe('image');
    });
  });

  describe('when the tag does not exist', () => {
    it('fails with MANIFEST_UNKNOWN, status 404 and the registry code', async () => {
      const image = buildImage(FOUR_PLATFORMS[0]!, 'oci');
      await pushImage({ url: registry.url }, 'app/some', image, 'exists');
      const error = await client
        .fetchManifest({ registry: registry.host, repository: 'app/some' }, 'missing')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryError);
      expect(error).toMatchObject({ code: 'MANIFEST_UNKNOWN', status: 404, temporary: false });
      expect((error as RegistryError).registryCodes).toContain('MANIFEST_UNKNOWN');
    });
  });

  describe('when asked for a digest with another algorithm', () => {
    it('refuses before any request with UNSUPPORTED_DIGEST', async () => {
      const failure = client.fetchManifest(
        { registry: registry.host, repository: 'app/some' },
        `sha512:${'a'.repeat(128)}`,
      );
      await expect(failure).rejects.toMatchObject({ code: 'UNSUPPORTED_DIGEST' });
    });
  });

  describe('when the stored content does not match its digest', () => {
    it('reports DIGEST_MISMATCH for a manifest fetched by digest, and by tag via Docker-Content-Digest', async () => {
      const image = buildImage(FOUR_PLATFORMS[1]!, 'oci');
      await pushImage({ url: registry.url }, 'app/tampered', image, 'v1');
      // Rewrite the stored bytes behind the registry's back: it serves them under the old digest.
      const hex = image.digest.slice('sha256:'.length);
      const dataPath = `${registry.storageRoot}/docker/registry/v2/blobs/sha256/${hex.slice(0, 2)}/${hex}/data`;
      const forged = Buffer.from(image.manifest)
        .toString()
        .replace('"schemaVersion": 2', '"schemaVersion":  2');
      await writeFile(dataPath, forged);
      const repo = { registry: registry.host, repository: 'app/tampered' };
      await expect(client.fetchManifest(repo, image.digest)).rejects.toMatchObject({
        code: 'DIGEST_MISMATCH',
      });
      await expect(client.fetchManifest(repo, 'v1')).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    });

    it('reports DIGEST_MISMATCH for a blob', async () => {
      const bytes = Buffer.from('original blob content');
      const digest = await pushBlob({ url: registry.url }, 'app/tampered-blob', bytes);
      const hex = digest.slice('sha256:'.length);
      await writeFile(
        `${registry.storageRoot}/docker/registry/v2/blobs/sha256/${hex.slice(0, 2)}/${hex}/data`,
        Buffer.from('replaced blob content'),
      );
      const failure = client.fetchBlob({ registry: registry.host, repository: 'app/tampered-blob' }, digest, {
        maxBytes: 1024,
      });
      await expect(failure).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    });
  });

  describe('when each request follows from the answer before it', () => {
    const index = buildIndex(
      FOUR_PLATFORMS.map((p) => buildImage(p, 'oci')),
      'oci',
    );
    beforeAll(async () => {
      await pushIndex({ url: registry.url }, 'library/chain', index, 'v1');
    });

    /** Connections a fresh client opens to the registry while `work` runs. */
    async function connectionsOpenedBy(work: (fresh: RegistryClient) => Promise<unknown>): Promise<number> {
      const fresh = createRegistryClient(testRegistryConfig({ insecureRegistries: [registry.host] }));
      let opened = 0;
      const port = Number(new URL(registry.url).port);
      const count = (message: unknown) => {
        const { connectParams } = message as { connectParams: { port: string | number } };
        if (Number(connectParams.port) === port) opened += 1;
      };
      subscribe('undici:client:beforeConnect', count);
      try {
        await work(fresh);
      } finally {
        unsubscribe('undici:client:beforeConnect', count);
      }
      return opened;
    }

    it('reuses one connection for a chain, and opens a second only for a second request at once', async () => {
      const repo = { registry: registry.host, repository: 'library/chain' };
      const [first, second] = index.images.map((image) => image.digest);
      // Each request is made as soon as the answer before it is in. undici frees a connection only
      // one event-loop turn after its answer, so unless the client waits for that, each step opens one.
      const chain = await connectionsOpenedBy(async (fresh) => {
        await fresh.fetchManifest(repo, 'v1');
        await fresh.fetchManifest(repo, first!);
        await fresh.fetchManifest(repo, second!);
      });
      expect(chain).toBe(1);
      const fork = await connectionsOpenedBy(async (fresh) => {
        await fresh.fetchManifest(repo, 'v1');
        await Promise.all([fresh.fetchManifest(repo, first!), fresh.fetchManifest(repo, second!)]);
      });
      expect(fork).toBe(2);
    });
  });
});
