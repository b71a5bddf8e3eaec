import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverSignatures, type DiscoveryResult } from '../../../src/discovery/index.js';
import { RegistryError, type RegistryClient } from '../../../src/registry/index.js';
import {
  buildImage,
  MT,
  pushBlob,
  pushImage,
  pushManifest,
  sha256Digest,
  startTestRegistry,
  writeHtpasswd,
  type TestRegistry,
} from '../../support/registry/index.js';
import {
  createTestSigstore,
  LEGACY_ANNOTATION,
  pushBundleReferrer,
  pushHostileLegacySignatures,
  pushLegacySignatures,
  pushReferrer,
  SIMPLE_SIGNING_MEDIA_TYPE,
  type IssuedCertificate,
  type TestSigstore,
} from '../../support/sigstore/index.js';
import {
  corruptBlobInStorage,
  countingClient,
  placeFallbackIndex,
  pushSignatureManifest,
} from './builders.js';
import { clientFor, LIMITS, repoRef } from './support.js';

const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

const codes = (result: DiscoveryResult): string[] => result.problems.map((p) => p.code);

describe('discoverSignatures against a hostile registry', () => {
  let registry: TestRegistry;
  let sigstore: TestSigstore;
  let identity: IssuedCertificate;
  let client: RegistryClient;
  beforeAll(async () => {
    registry = await startTestRegistry();
    sigstore = createTestSigstore();
    identity = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER });
    client = clientFor(registry);
  });
  afterAll(async () => registry?.stop());

  const target = (): { url: string } => ({ url: registry.url });

  async function pushedImage(repository: string): Promise<ReturnType<typeof buildImage>> {
    const image = buildImage({ os: 'linux', architecture: 'amd64' });
    await pushImage(target(), repository, image);
    return image;
  }

  describe('when the .sig manifest has more layers than the cap (CVE-2023-46737)', () => {
    it('reports TOO_MANY_SIGNATURES for 1001 layers and fetches none of them', async () => {
      const image = await pushedImage('caps/layers');
      const pushed = await pushHostileLegacySignatures(target(), 'caps/layers', image.digest, {
        layers: 1001,
      });
      const counted = countingClient(client);

      const result = await discoverSignatures(
        counted.client,
        repoRef(registry, 'caps/layers'),
        image.digest,
        LIMITS,
      );

      expect(result.signatures).toEqual([]);
      expect(result.problems).toEqual([
        expect.objectContaining({ code: 'TOO_MANY_SIGNATURES', source: pushed.digest }),
      ]);
      expect(result.problems[0]?.message).toContain('1001 layers');
      expect(counted.calls.fetchBlob).toBe(0);
    });

    it('reads a manifest exactly at the cap, and refuses one layer more', async () => {
      const atCap = await pushedImage('caps/boundary');
      await pushHostileLegacySignatures(target(), 'caps/boundary', atCap.digest, { layers: 3 });
      const over = await pushedImage('caps/boundary');
      await pushHostileLegacySignatures(target(), 'caps/boundary', over.digest, { layers: 4 });
      const limits = { ...LIMITS, maxSignatures: 3 };

      const ok = await discoverSignatures(client, repoRef(registry, 'caps/boundary'), atCap.digest, limits);
      const refused = await discoverSignatures(
        client,
        repoRef(registry, 'caps/boundary'),
        over.digest,
        limits,
      );

      expect(ok.signatures).toHaveLength(3);
      expect(ok.problems).toEqual([]);
      expect(codes(refused)).toEqual(['TOO_MANY_SIGNATURES']);
      expect(refused.signatures).toEqual([]);
    });
  });

  describe('when a payload is larger than maxPayloadBytes', () => {
    const limits = { ...LIMITS, maxPayloadBytes: 4096 };

    it('reports PAYLOAD_TOO_LARGE from the descriptor size, without fetching the blob', async () => {
      const image = await pushedImage('caps/payload');
      await pushHostileLegacySignatures(target(), 'caps/payload', image.digest, {
        layers: 1,
        payloadBytes: 4097,
      });
      const counted = countingClient(client);

      const result = await discoverSignatures(
        counted.client,
        repoRef(registry, 'caps/payload'),
        image.digest,
        limits,
      );

      expect(codes(result)).toEqual(['PAYLOAD_TOO_LARGE']);
      expect(counted.calls.fetchBlob).toBe(0);
    });

    it('reports PAYLOAD_TOO_LARGE when the descriptor understates the size and the read hits the cap', async () => {
      const image = await pushedImage('caps/lying-size');
      const big = Buffer.alloc(64 * 1024, 0x20);
      const digest = await pushBlob(target(), 'caps/lying-size', big);
      await pushSignatureManifest(target(), 'caps/lying-size', image.digest, [
        {
          mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
          digest,
          size: 100,
          annotations: { [LEGACY_ANNOTATION.signature]: 'AAAA' },
        },
      ]);

      const result = await discoverSignatures(
        client,
        repoRef(registry, 'caps/lying-size'),
        image.digest,
        limits,
      );

      expect(result.signatures).toEqual([]);
      expect(result.problems).toEqual([
        expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE', source: digest }),
      ]);
    });
  });

  describe('when the registry serves a payload whose bytes do not match the layer digest', () => {
    it('reports DIGEST_MISMATCH for that layer and keeps the intact one', async () => {
      const image = await pushedImage('tamper/blob');
      const reference = `${registry.host}/tamper/blob`;
      const intact = sigstore.signLegacy({ imageDigest: image.digest, dockerReference: reference, identity });
      const victim = sigstore.signLegacy({
        imageDigest: image.digest,
        dockerReference: reference,
        identity,
        annotations: { victim: true },
      });
      await pushLegacySignatures(target(), 'tamper/blob', image.digest, [intact, victim]);
      const victimDigest = sha256Digest(victim.payload);
      await corruptBlobInStorage(
        registry.storageRoot,
        victimDigest,
        Buffer.alloc(victim.payload.length, 0x7b),
      );

      const result = await discoverSignatures(client, repoRef(registry, 'tamper/blob'), image.digest, LIMITS);

      expect(result.problems).toEqual([
        expect.objectContaining({ code: 'DIGEST_MISMATCH', source: victimDigest }),
      ]);
      expect(result.signatures).toHaveLength(1);
      expect(result.signatures[0]?.claims.optional).toEqual({});
    });
  });

  describe('when one layer of a .sig manifest is malformed', () => {
    it('reports MALFORMED_SIGNATURE for a garbage bundle annotation while the other signatures come through', async () => {
      const image = await pushedImage('malformed/annotation');
      const sign = (n: number) =>
        sigstore.signLegacy({
          imageDigest: image.digest,
          dockerReference: 'x',
          identity,
          annotations: { n },
        });
      const [first, broken, last] = [sign(1), sign(2), sign(3)];
      const garbled = {
        ...broken,
        annotations: { ...broken.annotations, [LEGACY_ANNOTATION.bundle]: '{"Payload":' },
      };
      await pushLegacySignatures(target(), 'malformed/annotation', image.digest, [first, garbled, last]);

      const result = await discoverSignatures(
        client,
        repoRef(registry, 'malformed/annotation'),
        image.digest,
        LIMITS,
      );

      expect(result.problems).toEqual([
        expect.objectContaining({ code: 'MALFORMED_SIGNATURE', source: sha256Digest(broken.payload) }),
      ]);
      expect(result.problems[0]?.message).toContain('dev.sigstore.cosign/bundle');
      expect(result.signatures.map((s) => s.claims.optional)).toEqual([{ n: 1 }, { n: 3 }]);
    });

    it('reports a layer of another media type (not simple signing) as MALFORMED_SIGNATURE', async () => {
      const image = await pushedImage('malformed/media-type');
      const digest = await pushBlob(target(), 'malformed/media-type', 'hello');
      await pushSignatureManifest(target(), 'malformed/media-type', image.digest, [
        { mediaType: 'text/plain', digest, size: 5, annotations: { [LEGACY_ANNOTATION.signature]: 'AAAA' } },
      ]);

      const result = await discoverSignatures(
        client,
        repoRef(registry, 'malformed/media-type'),
        image.digest,
        LIMITS,
      );

      expect(result.problems).toEqual([
        expect.objectContaining({ code: 'MALFORMED_SIGNATURE', source: digest }),
      ]);
      expect(result.signatures).toEqual([]);
    });
  });

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
        expect(counted.calls).toEqual({ fetchManifest: 0, fetchBlob: 0, listReferrers: 0 });
      },
    );
  });
});
