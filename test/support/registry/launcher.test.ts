import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildImage,
  buildIndex,
  FOUR_PLATFORMS,
  MT,
  pushIndex,
  startTestRegistry,
  type TestRegistry,
} from './index.js';

describe('the test registry fixture', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(async () => registry?.stop());

  it('serves back the exact index bytes it was given, under the same digest', async () => {
    const index = buildIndex(
      FOUR_PLATFORMS.map((p) => buildImage(p, 'docker')),
      'docker',
    );
    const digest = await pushIndex({ url: registry.url }, 'fixture/check', index, 'v1');
    expect(digest).toBe(index.digest);
    const res = await fetch(`${registry.url}/v2/fixture/check/manifests/v1`, {
      headers: { accept: MT.dockerList },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-content-digest')).toBe(index.digest);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(index.manifest))).toBe(true);
  });
});
