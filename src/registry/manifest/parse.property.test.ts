import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR } from '../../../test/support/paths.js';
import { RegistryError } from '../errors.js';
import { MediaType } from '../media-types.js';
import { parseManifest } from './parse.js';

/**
 * Manifests come from registries we do not control. Whatever bytes and Content-Type arrive, parsing
 * either yields a well-formed manifest or throws a `RegistryError` — never another exception (a
 * crash), and never slowly. Inputs: arbitrary bytes and JSON, and real manifests mutated.
 */
const BYTE_EXACT = join(CONFORMANCE_DIR, 'manifests-real/oci-explorer-alpine-3.23.2/byte-exact/manifests');
const REAL: Uint8Array[] = readdirSync(BYTE_EXACT).map(
  (name) => new Uint8Array(readFileSync(join(BYTE_EXACT, name))),
);

const CONTENT_TYPES = [
  undefined,
  'application/json',
  'text/html',
  MediaType.OciManifest,
  MediaType.OciIndex,
  MediaType.DockerManifest,
  MediaType.DockerManifestList,
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
];

function parsesOrRefuses(bytes: Uint8Array, contentType: string | undefined): void {
  const started = performance.now();
  try {
    const manifest = parseManifest(bytes, contentType);
    expect(['index', 'image']).toContain(manifest.kind);
    if (manifest.kind === 'index') {
      for (const d of manifest.manifests) expect(typeof d.digest).toBe('string');
    } else {
      expect(typeof manifest.config.digest).toBe('string');
      for (const d of manifest.layers) expect(typeof d.digest).toBe('string');
    }
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryError);
  }
  expect(performance.now() - started).toBeLessThan(1000);
}

const contentType = fc.constantFrom(...CONTENT_TYPES);

describe('parseManifest on hostile input', () => {
  it('answers arbitrary bytes with a manifest or a RegistryError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), contentType, (bytes, type) =>
        parsesOrRefuses(bytes, type),
      ),
      { numRuns: 300 },
    );
  });

  it('answers arbitrary JSON with a manifest or a RegistryError', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), contentType, (value, type) =>
        parsesOrRefuses(Buffer.from(JSON.stringify(value) ?? 'null'), type),
      ),
      { numRuns: 300 },
    );
  });

  it('answers real manifests with bytes flipped, cut or inserted with a manifest or a RegistryError', () => {
    const mutated = fc
      .tuple(
        fc.constantFrom(...REAL),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom('flip', 'cut', 'insert'),
      )
      .map(([bytes, at, value, how]) => {
        const i = at % bytes.length;
        if (how === 'cut') return bytes.slice(0, i);
        if (how === 'insert') return Uint8Array.from([...bytes.slice(0, i), value, ...bytes.slice(i)]);
        const copy = Uint8Array.from(bytes);
        copy[i] = value;
        return copy;
      });
    fc.assert(
      fc.property(mutated, contentType, (bytes, type) => parsesOrRefuses(bytes, type)),
      { numRuns: 500 },
    );
  });

  it('answers real manifests with fields replaced by arbitrary JSON with a manifest or a RegistryError', () => {
    const fieldSwap = fc
      .tuple(
        fc.constantFrom(...REAL),
        fc.constantFrom(
          'schemaVersion',
          'mediaType',
          'config',
          'layers',
          'manifests',
          'annotations',
          'subject',
        ),
        fc.jsonValue({ maxDepth: 4 }),
      )
      .map(([bytes, field, value]) => {
        const doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
        doc[field] = value;
        return Buffer.from(JSON.stringify(doc));
      });
    fc.assert(
      fc.property(fieldSwap, contentType, (bytes, type) => parsesOrRefuses(bytes, type)),
      { numRuns: 500 },
    );
  });

  it('still parses every unmutated real manifest', () => {
    for (const bytes of REAL) expect(parseManifest(bytes, MediaType.OciManifest).kind).toBe('image');
  });
});
