import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR } from '../../../test/support/paths.js';
import { RegistryError } from '../errors.js';
import { isAttestationDescriptor, MediaType } from '../media-types.js';
import { parseManifest } from './parse.js';

/** Real manifests from public test data; see NOTICE.md there for provenance. */
const REAL = join(CONFORMANCE_DIR, 'manifests-real');
const CONTAINERS = join(REAL, 'containers-image-manifest-testdata/internal/manifest/testdata');
const ALPINE = join(REAL, 'oci-explorer-alpine-3.23.2');
const REGCLIENT = join(REAL, 'regclient-testdata/testdata');

const fixture = (dir: string, name: string) => new Uint8Array(readFileSync(join(dir, name)));
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

function failure(fn: () => unknown): RegistryError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error('expected a RegistryError');
}

describe('parseManifest on the byte-exact alpine 3.23.2 manifests from Docker Hub', () => {
  const dir = join(ALPINE, 'byte-exact/manifests');
  const rows = readFileSync(join(ALPINE, 'byte-exact/digests.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'));

  it('has all 16 fixtures, each hashing to its listed digest', () => {
    expect(rows).toHaveLength(16);
    for (const [hex, size] of rows) {
      const bytes = fixture(dir, `sha256-${hex}.json`);
      expect(sha256(bytes)).toBe(`sha256:${hex}`);
      expect(bytes.length).toBe(Number(size));
    }
  });

  it('reads every platform and attestation manifest as an OCI image manifest', () => {
    for (const [hex, , platform, referenceType] of rows) {
      const manifest = parseManifest(fixture(dir, `sha256-${hex}.json`), MediaType.OciManifest);
      expect(manifest.kind).toBe('image');
      if (manifest.kind !== 'image') continue;
      expect(manifest.mediaType).toBe(MediaType.OciManifest);
      expect(manifest.config.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
      if (referenceType === 'attestation-manifest') {
        expect(platform).toBe('unknown/unknown');
        expect(manifest.layers.every((l) => l.mediaType === 'application/vnd.in-toto+json')).toBe(true);
      } else {
        expect(manifest.layers[0]?.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
      }
    }
  });

  it('reads the upstream index and tells its 8 attestation entries from its 8 platforms', () => {
    const bytes = fixture(join(ALPINE, 'upstream/registry-testdata-alpine'), 'image_index.json');
    const index = parseManifest(bytes, 'application/json');
    if (index.kind !== 'index') throw new Error('expected an index');
    expect(index.manifests).toHaveLength(16);
    const attestations = index.manifests.filter(isAttestationDescriptor);
    expect(attestations).toHaveLength(8);
    const platforms = index.manifests.filter((d) => !isAttestationDescriptor(d));
    expect(platforms.map((d) => `${d.platform?.os}/${d.platform?.architecture}`)).toContain('linux/riscv64');
    // Each attestation points at one platform manifest of the same index.
    for (const a of attestations) {
      expect(platforms.map((p) => p.digest)).toContain(a.annotations?.['vnd.docker.reference.digest']);
    }
  });
});

describe('parseManifest on regclient OCI layouts (self-verifying blobs)', () => {
  for (const layout of ['testrepo', 'external']) {
    it(`reads every manifest reachable from ${layout}/index.json with the kind its descriptor promises`, () => {
      const blobs = join(REGCLIENT, layout, 'blobs/sha256');
      const root = parseManifest(fixture(join(REGCLIENT, layout), 'index.json'), undefined);
      if (root.kind !== 'index') throw new Error('expected an index');
      const queue = [...root.manifests];
      let seen = 0;
      while (queue.length > 0) {
        const descriptor = queue.shift()!;
        const bytes = fixture(blobs, descriptor.digest.slice('sha256:'.length));
        expect(sha256(bytes)).toBe(descriptor.digest);
        const manifest = parseManifest(bytes, descriptor.mediaType);
        expect(manifest.mediaType).toBe(descriptor.mediaType);
        expect(manifest.kind).toBe(
          descriptor.mediaType.endsWith('index.v1+json') || descriptor.mediaType.includes('list')
            ? 'index'
            : 'image',
        );
        if (manifest.kind === 'index')
          queue.push(
            ...manifest.manifests.filter(
              (d) => d.mediaType.includes('manifest') || d.mediaType.includes('index'),
            ),
          );
        seen++;
        if (seen > 200) throw new Error('loop'); // the layouts include an index that refers to itself via subject only
      }
      expect(seen).toBeGreaterThan(2);
    });
  }

  it('reads OCI 1.1 artifacts with subject and artifactType', () => {
    const blobs = join(REGCLIENT, 'testrepo/blobs/sha256');
    const withSubject = readdirSync(blobs)
      .map((name) => fixture(blobs, name))
      .filter(
        (bytes) => Buffer.from(bytes).includes('"subject"') && Buffer.from(bytes).includes('"schemaVersion"'),
      )
      .map((bytes) => parseManifest(bytes, undefined));
    expect(withSubject.length).toBeGreaterThan(0);
    for (const manifest of withSubject) expect(manifest.subject?.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(withSubject.some((m) => m.artifactType !== undefined)).toBe(true);
  });
});

describe('parseManifest on containers/image fixtures', () => {
  it('reads Docker v2 manifest lists', () => {
    for (const name of ['v2list.manifest.json', 'schema2list.json']) {
      const manifest = parseManifest(fixture(CONTAINERS, name), MediaType.DockerManifestList);
      expect(manifest.kind).toBe('index');
      if (manifest.kind === 'index') expect(manifest.manifests.length).toBeGreaterThan(0);
    }
  });

  it('reads a Docker v2 manifest and an OCI manifest', () => {
    expect(parseManifest(fixture(CONTAINERS, 'v2s2.manifest.json'), MediaType.DockerManifest).kind).toBe(
      'image',
    );
    const oci = parseManifest(fixture(CONTAINERS, 'ociv1.manifest.json'), MediaType.OciManifest);
    expect(oci.kind).toBe('image');
    expect(oci.annotations).toBeDefined();
  });

  it('reads every field of the "everything" OCI index', () => {
    const index = parseManifest(fixture(CONTAINERS, 'oci1.index.everything.json'), MediaType.OciIndex);
    if (index.kind !== 'index') throw new Error('expected an index');
    expect(index.artifactType).toBe('application/our-top-artifact');
    expect(index.subject?.digest).toBe(`sha256:${'b'.repeat(64)}`);
    expect(index.annotations).toEqual({ top: '0' });
    expect(index.manifests[0]).toEqual({
      mediaType: MediaType.OciManifest,
      digest: `sha256:${'a'.repeat(64)}`,
      size: 1,
      urls: ['https://some.example/manifest'],
      annotations: { manifest: '1' },
      platform: { architecture: 'A', os: 'B', 'os.version': 'C', 'os.features': ['D'], variant: 'E' },
      artifactType: 'application/our-sub-artifact',
    });
  });

  describe('when given schema1', () => {
    it('refuses signed and unsigned schema1 with UNSUPPORTED_MEDIA_TYPE, whatever the Content-Type', () => {
      for (const name of ['v2s1.manifest.json', 'v2s1-unsigned.manifest.json']) {
        for (const type of [
          MediaType.DockerSchema1Signed,
          MediaType.DockerSchema1,
          'application/json',
          undefined,
        ]) {
          const error = failure(() => parseManifest(fixture(CONTAINERS, name), type));
          expect(error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
          expect(error.message).toMatch(/schema1/);
        }
      }
    });
  });

  describe('when given invalid input', () => {
    it('refuses bytes that are not JSON', () => {
      expect(
        failure(() => parseManifest(fixture(CONTAINERS, 'non-json.manifest.json'), undefined)).code,
      ).toBe('INVALID_MANIFEST');
    });

    it('refuses an unknown schemaVersion without mediaType', () => {
      expect(
        failure(() => parseManifest(fixture(CONTAINERS, 'unknown-version.manifest.json'), undefined)).code,
      ).toBe('INVALID_MANIFEST');
    });

    it('refuses an artifact whose config digest is empty and layers null', () => {
      const error = failure(() =>
        parseManifest(fixture(CONTAINERS, 'ociv1.artifact.json'), MediaType.OciManifest),
      );
      expect(error.code).toBe('INVALID_MANIFEST');
      expect(error.message).toMatch(/config\.digest/);
    });
  });
});

describe('parseManifest content-type handling', () => {
  const image = {
    schemaVersion: 2,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: `sha256:${'1'.repeat(64)}`,
      size: 2,
    },
    layers: [],
  };
  const index = { schemaVersion: 2, manifests: [] };

  describe('when the Content-Type is generic', () => {
    it("uses the body's mediaType", () => {
      const body = json({ ...index, mediaType: MediaType.DockerManifestList });
      expect(parseManifest(body, 'application/octet-stream').mediaType).toBe(MediaType.DockerManifestList);
    });

    it('tells an OCI index from an OCI manifest by "manifests" vs "config" when the body has no mediaType', () => {
      expect(parseManifest(json(index), 'application/json')).toMatchObject({
        kind: 'index',
        mediaType: MediaType.OciIndex,
      });
      expect(parseManifest(json(image), undefined)).toMatchObject({
        kind: 'image',
        mediaType: MediaType.OciManifest,
      });
    });

    it('refuses a body with both "manifests" and "config"', () => {
      expect(failure(() => parseManifest(json({ ...image, manifests: [] }), undefined)).code).toBe(
        'INVALID_MANIFEST',
      );
    });
  });

  it('accepts Content-Type parameters and case', () => {
    expect(parseManifest(json(image), 'Application/VND.OCI.image.manifest.v1+json; charset=utf-8').kind).toBe(
      'image',
    );
  });

  it('refuses a body mediaType that disagrees with a specific Content-Type', () => {
    const body = json({ ...image, mediaType: MediaType.DockerManifest });
    expect(failure(() => parseManifest(body, MediaType.OciManifest)).code).toBe('INVALID_MANIFEST');
  });

  it('refuses an unknown media type with UNSUPPORTED_MEDIA_TYPE', () => {
    expect(failure(() => parseManifest(json(image), 'application/vnd.example.thing+json')).code).toBe(
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('refuses malformed descriptors: bad digest, negative size, non-string annotations', () => {
    const bad = [
      { ...image, config: { ...image.config, digest: 'sha256:../../etc' } },
      { ...image, config: { ...image.config, size: -1 } },
      { ...image, config: { ...image.config, size: 1.5 } },
      { ...image, annotations: { a: 1 } },
      { ...image, layers: [{ mediaType: 'x', digest: `sha256:${'2'.repeat(64)}` }] },
    ];
    for (const body of bad)
      expect(failure(() => parseManifest(json(body), MediaType.OciManifest)).code).toBe('INVALID_MANIFEST');
  });

  it('keeps annotation keys like __proto__ as plain data', () => {
    const bytes = new TextEncoder().encode(
      `{"schemaVersion":2,"manifests":[],"annotations":{"__proto__":"x","constructor":"y"}}`,
    );
    const manifest = parseManifest(bytes, MediaType.OciIndex);
    expect(Object.getPrototypeOf(manifest.annotations)).toBeNull();
    expect(manifest.annotations?.['__proto__']).toBe('x');
  });

  it('refuses invalid UTF-8', () => {
    expect(failure(() => parseManifest(new Uint8Array([0x7b, 0xff, 0x7d]), MediaType.OciIndex)).code).toBe(
      'INVALID_MANIFEST',
    );
  });
});
