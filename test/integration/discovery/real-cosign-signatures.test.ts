import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverSignatures, type LegacySignature } from '../../../src/discovery/index.js';
import { CONFORMANCE_DIR } from '../../support/paths.js';
import {
  placeManifestInStorage,
  pushBlob,
  startTestRegistry,
  type TestRegistry,
} from '../../support/registry/index.js';
import { pushSignatureManifest } from './builders.js';
import { clientFor, LIMITS, repoRef } from './support.js';

/**
 * A real public-good cosign signature (containers/image test data, see its NOTICE.md): the exact
 * payload, signature, certificate, chain and Rekor bundle cosign wrote, laid out in a real registry
 * as cosign lays out a `.sig` image. Discovery must hand all of it over byte for byte.
 */
const CASE = join(
  CONFORMANCE_DIR,
  'cosign-real',
  'containers-image',
  'extracted',
  'dir-img-cosign-fulcio-rekor-valid',
);
const file = (name: string): Buffer => readFileSync(join(CASE, name));
const text = (name: string): string => file(name).toString('utf8');

describe('discovering a real public-good cosign signature', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(async () => registry?.stop());

  it('returns its payload, annotations, Rekor bundle and claims exactly as cosign stored them', async () => {
    // The image's blobs are not part of the test data, so its manifest goes straight into storage.
    const imageDigest = await placeManifestInStorage(
      registry.storageRoot,
      'cosign-signed/fulcio-rekor-1',
      file('manifest.json'),
    );
    const payload = file('payload.json');
    const payloadDigest = await pushBlob({ url: registry.url }, 'cosign-signed/fulcio-rekor-1', payload);
    const annotations = {
      'dev.cosignproject.cosign/signature': text('signature.b64').trim(),
      'dev.sigstore.cosign/certificate': text('certificate.pem'),
      'dev.sigstore.cosign/chain': text('chain.pem'),
      'dev.sigstore.cosign/bundle': text('rekor-bundle.json').trim(),
    };
    await pushSignatureManifest({ url: registry.url }, 'cosign-signed/fulcio-rekor-1', imageDigest, [
      { mediaType: text('mediatype.txt').trim(), digest: payloadDigest, size: payload.length, annotations },
    ]);

    const result = await discoverSignatures(
      clientFor(registry),
      repoRef(registry, 'cosign-signed/fulcio-rekor-1'),
      imageDigest,
      LIMITS,
    );

    expect(result.problems).toEqual([]);
    expect(result.signatures).toHaveLength(1);
    const signature = result.signatures[0] as LegacySignature;
    expect(signature.kind).toBe('legacy-tag');
    expect(Buffer.from(signature.payload).equals(payload)).toBe(true);
    expect(signature.layerDigest).toBe(payloadDigest);
    expect(signature.signature).toBe(annotations['dev.cosignproject.cosign/signature']);
    expect(signature.certificatePem).toBe(annotations['dev.sigstore.cosign/certificate']);
    expect(signature.chainPem).toBe(annotations['dev.sigstore.cosign/chain']);
    expect(signature.annotations).toEqual(annotations);
    expect(signature.rekorBundle).toMatchObject({ logIndex: 11605770, integratedTime: 1674247893 });
    expect(signature.claims).toEqual({
      dockerManifestDigest: imageDigest,
      dockerReference: '192.168.64.2:5000/cosign-signed/fulcio-rekor-1',
      type: 'cosign container image signature',
      optional: {},
    });
  });

  it('stops when the caller aborts, rather than answering', async () => {
    const controller = new AbortController();
    controller.abort();
    const attempt = discoverSignatures(
      clientFor(registry),
      repoRef(registry, 'cosign-signed/fulcio-rekor-1'),
      `sha256:${'3'.repeat(64)}`,
      LIMITS,
      { signal: controller.signal },
    );
    await expect(attempt).rejects.toMatchObject({ code: 'REGISTRY_ABORTED' });
  });
});
