import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR } from '../paths.js';
import { placeManifestInStorage, startTestRegistry, type TestRegistry } from './index.js';

const FIXTURE = join(
  CONFORMANCE_DIR,
  'cosign-real/containers-image/extracted/dir-img-cosign-fulcio-rekor-valid/manifest.json',
);

describe('placing a manifest whose blobs are missing into registry storage', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(async () => registry?.stop());

  it('serves the original bytes under their real digest, by digest and by tag', async () => {
    const bytes = await readFile(FIXTURE);
    const digest = await placeManifestInStorage(
      registry.storageRoot,
      'cosign-signed/fulcio-rekor-1',
      bytes,
      'v1',
    );
    expect(digest).toBe('sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a');
    for (const ref of [digest, 'v1']) {
      const res = await fetch(`${registry.url}/v2/cosign-signed/fulcio-rekor-1/manifests/${ref}`, {
        headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
      });
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }
  });
});
