import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverSignatures } from '../../../src/discovery/index.js';
import { RegistryError, type RegistryClient } from '../../../src/registry/index.js';
import {
  MT,
  pushManifest,
  sha256Digest,
  startTestRegistry,
  writeHtpasswd,
  type BuiltImage,
  type TestRegistry,
} from '../../support/registry/index.js';
import {
  pushBundleReferrer,
  pushReferrer,
  type IssuedCertificate,
  type TestSigstore,
} from '../../support/sigstore/index.js';
import { countingClient, placeFallbackIndex } from './builders.js';
import { clientFor, codes, LIMITS, pushFreshImage, repoRef, startDiscoveryWorld } from './support.js';

describe('discoverSignatures against a hostile registry: referrers, listings and transport', () => {
  let registry: TestRegistry;
  let sigstore: TestSigstore;
  let identity: IssuedCertificate;
  let client: RegistryClient;
  beforeAll(async () => {
    ({ registry, sigstore, identity, client } = await startDiscoveryWorld());
  });
  afterAll(async () => registry?.stop());

  const target = (): { url: string } => ({ url: registry.url });

  const pushedImage = (repository: string): Promise<BuiltImage> => pushFreshImage(registry, repository);

  describe('when a listed referrer is about another image', () => {
    it('reports DIGEST_MISMATCH naming the other subject, and no signature', async () => {
      const ours = await pushedImage('referrers/subject');
      const theirs = await pushedImage('referrers/subject');
      const bundle = sigstore.signBundle({ imageDigest: theirs.digest, identity });
      const referrer = await pushBundleReferrer(target(), 'referrers/subject', theirs, bundle, {
        fallback: 'none',
      });
      await placeFallbackIndex(registry.storageRoot, 'referrers/subject', ours.digest, [
        { digest: referrer.digest, size: referrer.bytes.length, artifactType: bundle.mediaType },
      ]);

      const result = await discoverSignatures(
        client,
        repoRef(registry, 'referrers/subject'),
        ours.digest,
        LIMITS,
      );

      expect(result.signatures).toEqual([]);
      expect(result.problems).toEqual([
        expect.objectContaining({ code: 'DIGEST_MISMATCH', source: referrer.digest }),
      ]);
      expect(result.problems[0]?.message).toContain(theirs.digest);
    });
  });

  describe('when a bundle referrer does not have exactly one bundle layer', () => {
    it('reports MALFORMED_SIGNATURE', async () => {
      const image = await pushedImage('referrers/layers');
      const bundle = sigstore.signBundle({ imageDigest: image.digest, identity });
      await pushReferrer(target(), 'referrers/layers', image, {
        artifactType: bundle.mediaType,
        layers: [
          { mediaType: bundle.mediaType, bytes: bundle.bytes },
          { mediaType: bundle.mediaType, bytes: Buffer.from('{}') },
        ],
      });

      const result = await discoverSignatures(
        client,
        repoRef(registry, 'referrers/layers'),
        image.digest,
        LIMITS,
      );

      expect(codes(result)).toEqual(['MALFORMED_SIGNATURE']);
      expect(result.problems[0]?.message).toContain('exactly one');
    });
  });

  describe('when the referrers list is longer than the cap (CVE-2024-29902/29903)', () => {
    it('reports TOO_MANY_SIGNATURES without fetching any referrer', async () => {
      const image = await pushedImage('referrers/flood');
      const listed = Array.from({ length: 1001 }, (_, n) => ({
        digest: sha256Digest(`referrer ${n}`),
        size: 500,
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      }));
      await placeFallbackIndex(registry.storageRoot, 'referrers/flood', image.digest, listed);
      const counted = countingClient(client);

      const result = await discoverSignatures(
        counted.client,
        repoRef(registry, 'referrers/flood'),
        image.digest,
        LIMITS,
      );

      expect(codes(result)).toEqual(['TOO_MANY_SIGNATURES']);
      // One manifest fetch: the (absent) legacy .sig tag. None for the 1001 listed referrers.
      expect(counted.calls.fetchManifest).toBe(1);
      expect(counted.calls.fetchBlob).toBe(0);
    });
  });

  describe('when a listing fails permanently', () => {
    it('records a problem for a referrers index with an invalid entry, never an empty "unsigned" answer', async () => {
      const image = await pushedImage('listing/broken');
      await placeFallbackIndex(registry.storageRoot, 'listing/broken', image.digest, [
        { digest: 'sha256:not-a-digest', size: 10 },
      ]);

      const result = await discoverSignatures(
        client,
        repoRef(registry, 'listing/broken'),
        image.digest,
        LIMITS,
      );

      expect(result.signatures).toEqual([]);
      expect(codes(result)).toEqual(['MALFORMED_SIGNATURE']);
      expect(result.problems[0]?.message).toContain('"sha256:not-a-digest", which is not a sha256 digest');
    });

    it('records REGISTRY_ERROR for both formats when the registry refuses us access', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'imprimatur-discovery-'));
      const htpasswdPath = await writeHtpasswd(dir, [{ username: 'ci', password: 'secret' }]);
      const locked = await startTestRegistry({ htpasswdPath });
      try {
        const result = await discoverSignatures(
          clientFor(locked),
          repoRef(locked, 'locked/app'),
          `sha256:${'2'.repeat(64)}`,
          LIMITS,
        );
        expect(result.signatures).toEqual([]);
        expect(codes(result)).toEqual(['REGISTRY_ERROR', 'REGISTRY_ERROR']);
      } finally {
        await locked.stop();
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('records MALFORMED_SIGNATURE when the .sig tag holds an index', async () => {
      const image = await pushedImage('listing/sig-index');
      const index = JSON.stringify({
        schemaVersion: 2,
        mediaType: MT.ociIndex,
        manifests: [{ mediaType: image.mediaType, digest: image.digest, size: image.size }],
      });
      await pushManifest(
        target(),
        'listing/sig-index',
        `${image.digest.replace(':', '-')}.sig`,
        index,
        MT.ociIndex,
      );

      const result = await discoverSignatures(
        client,
        repoRef(registry, 'listing/sig-index'),
        image.digest,
        LIMITS,
      );

      expect(codes(result)).toEqual(['MALFORMED_SIGNATURE']);
    });
  });

  describe('when the registry is unreachable', () => {
    it('throws a temporary RegistryError instead of answering "no signatures"', async () => {
      const gone = await startTestRegistry();
      const goneClient = clientFor(gone);
      await gone.stop();

      const attempt = discoverSignatures(
        goneClient,
        repoRef(gone, 'any/app'),
        `sha256:${'1'.repeat(64)}`,
        LIMITS,
      );

      await expect(attempt).rejects.toBeInstanceOf(RegistryError);
      await expect(attempt).rejects.toMatchObject({ temporary: true });
    });
  });

  describe('when asked about something that is not a sha256 digest', () => {
    it.each(['latest', 'sha256:ABC', `sha512:${'a'.repeat(128)}`, `sha256:${'a'.repeat(64)}/../x`])(
      'refuses %j with INVALID_DIGEST before any request',
      async (digest) => {
        const counted = countingClient(client);
        const attempt = discoverSignatures(counted.client, repoRef(registry, 'any/app'), digest, LIMITS);
        await expect(attempt).rejects.toMatchObject({ code: 'INVALID_DIGEST' });
        expect(counted.calls).toEqual({ fetchManifest: 0, fetchBlob: 0, listReferrers: 0, listTags: 0 });
      },
    );
  });
});
