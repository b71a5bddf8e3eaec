import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverSignatures } from '../../../src/discovery/index.js';
import type { RegistryClient } from '../../../src/registry/index.js';
import { pushBlob, sha256Digest, type BuiltImage, type TestRegistry } from '../../support/registry/index.js';
import {
  LEGACY_ANNOTATION,
  pushHostileLegacySignatures,
  pushLegacySignatures,
  SIMPLE_SIGNING_MEDIA_TYPE,
  type IssuedCertificate,
  type TestSigstore,
} from '../../support/sigstore/index.js';
import { corruptBlobInStorage, countingClient, pushSignatureManifest } from './builders.js';
import { codes, LIMITS, pushFreshImage, repoRef, startDiscoveryWorld } from './support.js';

describe('discoverSignatures against a hostile registry: legacy .sig manifests', () => {
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
});
