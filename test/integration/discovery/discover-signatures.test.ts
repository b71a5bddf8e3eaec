import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  discoverSignatures,
  startDiscovery,
  type BundleSignature,
  type DiscoveredSignature,
  type LegacySignature,
} from '../../../src/discovery/index.js';
import type { RegistryClient } from '../../../src/registry/index.js';
import type { BuiltImage, TestRegistry } from '../../support/registry/index.js';
import {
  COSIGN_SIGN_PREDICATE_TYPE,
  pushBundleReferrer,
  pushLegacySignatures,
  pushReferrer,
  type IssuedCertificate,
  type TestSigstore,
} from '../../support/sigstore/index.js';
import { LIMITS, pushFreshImage, repoRef, startDiscoveryWorld } from './support.js';

const legacyOf = (s: readonly DiscoveredSignature[]): LegacySignature[] =>
  s.filter((x): x is LegacySignature => x.kind === 'legacy-tag');
const bundlesOf = (s: readonly DiscoveredSignature[]): BundleSignature[] =>
  s.filter((x): x is BundleSignature => x.kind === 'bundle-referrer');

describe('discoverSignatures against a real registry', () => {
  let registry: TestRegistry;
  let sigstore: TestSigstore;
  let identity: IssuedCertificate;
  let client: RegistryClient;
  beforeAll(async () => {
    ({ registry, sigstore, identity, client } = await startDiscoveryWorld());
  });
  afterAll(async () => registry?.stop());

  const pushedImage = (repository: string): Promise<BuiltImage> => pushFreshImage(registry, repository);

  describe('when the image has no signatures of either format', () => {
    it('returns an empty result with no problems', async () => {
      const image = await pushedImage('plain/app');
      const result = await discoverSignatures(client, repoRef(registry, 'plain/app'), image.digest, LIMITS);
      expect(result).toEqual({ subjectDigest: image.digest, signatures: [], problems: [] });
    });
  });

  describe('when the repository does not exist at all', () => {
    it('reads NAME_UNKNOWN as "no signatures"', async () => {
      const digest = `sha256:${'0'.repeat(64)}`;
      const result = await discoverSignatures(client, repoRef(registry, 'never/pushed'), digest, LIMITS);
      expect(result.signatures).toEqual([]);
      expect(result.problems).toEqual([]);
    });
  });

  describe('when cosign signed with the legacy .sig tag', () => {
    it('finds every layer with its payload, annotations and claims', async () => {
      const image = await pushedImage('legacy/app');
      const reference = `${registry.host}/legacy/app`;
      const first = sigstore.signLegacy({ imageDigest: image.digest, dockerReference: reference, identity });
      const second = sigstore.signLegacy({
        imageDigest: image.digest,
        dockerReference: reference,
        identity,
        annotations: { env: 'prod' },
      });
      const pushed = await pushLegacySignatures({ url: registry.url }, 'legacy/app', image.digest, [
        first,
        second,
      ]);

      const result = await discoverSignatures(client, repoRef(registry, 'legacy/app'), image.digest, LIMITS);

      expect(result.problems).toEqual([]);
      const legacy = legacyOf(result.signatures);
      expect(legacy).toHaveLength(2);
      const [a, b] = legacy;
      expect(a?.manifestDigest).toBe(pushed.digest);
      expect(Buffer.from(a!.payload).equals(first.payload)).toBe(true);
      expect(a?.signature).toBe(first.signature.toString('base64'));
      expect(a?.certificatePem).toBe(identity.certificatePem);
      expect(a?.chainPem).toContain('BEGIN CERTIFICATE');
      expect(a?.rekorBundle?.logIndex).toBe(first.tlogEntry?.logIndex);
      expect(a?.claims).toMatchObject({ dockerManifestDigest: image.digest, dockerReference: reference });
      expect(b?.claims.optional).toEqual({ env: 'prod' });
    });

    it('looks in COSIGN_REPOSITORY when the signatures were stored elsewhere', async () => {
      const image = await pushedImage('moved/app');
      const signature = sigstore.signLegacy({
        imageDigest: image.digest,
        dockerReference: 'moved/app',
        identity,
      });
      await pushLegacySignatures({ url: registry.url }, 'moved/signatures', image.digest, [signature]);

      const here = await discoverSignatures(client, repoRef(registry, 'moved/app'), image.digest, LIMITS);
      const there = await discoverSignatures(client, repoRef(registry, 'moved/app'), image.digest, LIMITS, {
        signatureRepository: repoRef(registry, 'moved/signatures'),
      });

      expect(here.signatures).toHaveLength(0);
      expect(legacyOf(there.signatures)).toHaveLength(1);
    });
  });

  describe('when cosign v3 attached a bundle as an OCI referrer', () => {
    it.each([
      ['as the distribution spec writes the fallback index', 'spec' as const],
      ['as cosign (go-containerregistry) writes it, typed as the empty config', 'ggcr' as const],
    ])('finds it through the referrers tag fallback %s', async (_how, fallback) => {
      const repository = `bundle/${fallback}`;
      const image = await pushedImage(repository);
      const signed = sigstore.signBundle({ imageDigest: image.digest, identity, annotations: { team: 'a' } });
      const pushed = await pushBundleReferrer({ url: registry.url }, repository, image, signed, { fallback });

      const result = await discoverSignatures(client, repoRef(registry, repository), image.digest, LIMITS);

      expect(result.problems).toEqual([]);
      const [bundle, ...rest] = bundlesOf(result.signatures);
      expect(rest).toHaveLength(0);
      expect(bundle).toMatchObject({
        manifestDigest: pushed.digest,
        bundleMediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        payloadType: 'application/vnd.in-toto+json',
        claims: {
          dockerManifestDigest: image.digest,
          type: COSIGN_SIGN_PREDICATE_TYPE,
          optional: { team: 'a' },
        },
      });
      expect(bundle?.bundle).toEqual(signed.bundle);
      expect(bundle?.annotations['dev.sigstore.bundle.content']).toBe('dsse-envelope');
    });

    it('ignores referrers of other artifact types, which are not signatures', async () => {
      const image = await pushedImage('bundle/mixed');
      await pushReferrer({ url: registry.url }, 'bundle/mixed', image, {
        artifactType: 'application/spdx+json',
        layers: [{ mediaType: 'application/spdx+json', bytes: Buffer.from('{}') }],
      });
      const result = await discoverSignatures(
        client,
        repoRef(registry, 'bundle/mixed'),
        image.digest,
        LIMITS,
      );
      expect(result).toEqual({ subjectDigest: image.digest, signatures: [], problems: [] });
    });
  });

  describe('when the image is signed in both formats', () => {
    it('returns the legacy signatures and the bundles together', async () => {
      const image = await pushedImage('both/app');
      const legacy = sigstore.signLegacy({
        imageDigest: image.digest,
        dockerReference: 'both/app',
        identity,
      });
      await pushLegacySignatures({ url: registry.url }, 'both/app', image.digest, [legacy]);
      const bundle = sigstore.signBundle({ imageDigest: image.digest, identity });
      await pushBundleReferrer({ url: registry.url }, 'both/app', image, bundle);

      const result = await discoverSignatures(client, repoRef(registry, 'both/app'), image.digest, LIMITS);

      expect(result.problems).toEqual([]);
      expect(result.signatures.map((s) => s.kind).sort()).toEqual(['bundle-referrer', 'legacy-tag']);
      expect(result.signatures.every((s) => s.claims.dockerManifestDigest === image.digest)).toBe(true);
    });

    it('hands out the legacy findings while the referrers are still being listed (startDiscovery)', async () => {
      const image = await pushedImage('both/early');
      const legacy = sigstore.signLegacy({
        imageDigest: image.digest,
        dockerReference: 'both/early',
        identity,
      });
      await pushLegacySignatures({ url: registry.url }, 'both/early', image.digest, [legacy]);
      await pushBundleReferrer(
        { url: registry.url },
        'both/early',
        image,
        sigstore.signBundle({ imageDigest: image.digest, identity }),
      );
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      const holdingListings: RegistryClient = {
        ...client,
        fetchManifest: client.fetchManifest.bind(client),
        fetchBlob: client.fetchBlob.bind(client),
        listTags: client.listTags.bind(client),
        listReferrers: async (...args) => {
          await released;
          return client.listReferrers(...args);
        },
      };

      const discovery = startDiscovery(
        holdingListings,
        repoRef(registry, 'both/early'),
        image.digest,
        LIMITS,
      );
      const [legacyPart, bundlePart] = discovery.parts;
      let bundlesSettled = false;
      void bundlePart.finally(() => (bundlesSettled = true));
      const early = await legacyPart;
      expect(early.signatures.map((s) => s.kind)).toEqual(['legacy-tag']);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(bundlesSettled).toBe(false);

      release();
      const result = await discovery.result;
      // The whole result lists the parts in order: legacy first, then bundles (as verification expects).
      expect(result.signatures.map((s) => s.kind)).toEqual(['legacy-tag', 'bundle-referrer']);
      expect(result.signatures[0]).toBe(early.signatures[0]);
      expect((await bundlePart).signatures[0]).toBe(result.signatures[1]);
    });
  });

  describe('when the digest is not a sha256 digest', () => {
    it('rejects the result and both parts with INVALID_DIGEST, and leaves no rejection unhandled', async () => {
      const discovery = startDiscovery(client, repoRef(registry, 'plain/app'), 'sha512:abc', LIMITS);
      await expect(discovery.result).rejects.toMatchObject({ code: 'INVALID_DIGEST' });
      for (const part of discovery.parts)
        await expect(part).rejects.toMatchObject({ code: 'INVALID_DIGEST' });
      // Looking at only one side, or at neither, must not leave a rejection unhandled (vitest fails
      // the run on one): verification awaits only the parts, a `signatures` field only the result.
      const onlyParts = startDiscovery(client, repoRef(registry, 'plain/app'), 'nonsense', LIMITS);
      for (const part of onlyParts.parts) await part.catch(() => undefined);
      const onlyResult = startDiscovery(client, repoRef(registry, 'plain/app'), 'nonsense', LIMITS);
      await onlyResult.result.catch(() => undefined);
      startDiscovery(client, repoRef(registry, 'plain/app'), 'nonsense', LIMITS);
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
  });
});
