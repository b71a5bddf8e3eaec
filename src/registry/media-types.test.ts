import { describe, expect, it } from 'vitest';
import {
  isAttestationDescriptor,
  isGenericContentType,
  isImageMediaType,
  isIndexMediaType,
  isManifestMediaType,
  isSchema1MediaType,
  manifestAcceptHeader,
  MediaType,
} from './media-types.js';
import type { Descriptor } from './types.js';

describe('media type predicates', () => {
  it('recognise Docker and OCI indexes and images, ignoring parameters and case', () => {
    expect(isIndexMediaType(MediaType.OciIndex)).toBe(true);
    expect(isIndexMediaType(`${MediaType.DockerManifestList}; charset=utf-8`)).toBe(true);
    expect(isIndexMediaType(MediaType.OciManifest)).toBe(false);
    expect(isImageMediaType(MediaType.DockerManifest.toUpperCase())).toBe(true);
    expect(isImageMediaType(MediaType.OciIndex)).toBe(false);
    expect(isManifestMediaType('application/json')).toBe(false);
    expect(isManifestMediaType(undefined)).toBe(false);
  });

  it('recognise schema1 so it can be refused by name', () => {
    expect(isSchema1MediaType(MediaType.DockerSchema1Signed)).toBe(true);
    expect(isSchema1MediaType(MediaType.DockerManifest)).toBe(false);
  });

  it('call JSON, octet-stream, text/plain and a missing type generic', () => {
    for (const t of [undefined, '', 'application/json', 'application/octet-stream; x=y', 'text/plain']) {
      expect(isGenericContentType(t)).toBe(true);
    }
    expect(isGenericContentType(MediaType.OciIndex)).toBe(false);
  });
});

describe('manifestAcceptHeader', () => {
  it('names all four supported manifest types and no schema1 for a general fetch', () => {
    const accept = manifestAcceptHeader();
    for (const t of [
      MediaType.OciIndex,
      MediaType.DockerManifestList,
      MediaType.OciManifest,
      MediaType.DockerManifest,
    ]) {
      expect(accept).toContain(t);
    }
    expect(accept).not.toContain('distribution.manifest.v1+');
  });

  it('asks only for indexes, or only for images, when told to', () => {
    expect(manifestAcceptHeader('index').split(', ').every(isIndexMediaType)).toBe(true);
    expect(manifestAcceptHeader('image').split(', ').every(isImageMediaType)).toBe(true);
  });
});

describe('isAttestationDescriptor', () => {
  const base: Descriptor = { mediaType: MediaType.OciManifest, digest: `sha256:${'0'.repeat(64)}`, size: 1 };

  it('is true for platform unknown/unknown with the attestation-manifest annotation', () => {
    const entry = {
      ...base,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
    };
    expect(isAttestationDescriptor(entry)).toBe(true);
  });

  it('is false for a real platform, for unknown/unknown without the annotation, and for other reference types', () => {
    expect(isAttestationDescriptor({ ...base, platform: { os: 'linux', architecture: 'amd64' } })).toBe(
      false,
    );
    expect(isAttestationDescriptor({ ...base, platform: { os: 'unknown', architecture: 'unknown' } })).toBe(
      false,
    );
    expect(
      isAttestationDescriptor({
        ...base,
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: { 'vnd.docker.reference.type': 'builder' },
      }),
    ).toBe(false);
  });
});
