import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR } from '../../test/support/paths.js';
import { DiscoveryError } from './errors.js';
import { parseSimpleSigningPayload } from './simple-signing.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const EXTRACTED = join(CONFORMANCE_DIR, 'cosign-real', 'containers-image', 'extracted');
const DIGEST = 'sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a';

function failure(run: () => unknown): DiscoveryError {
  try {
    run();
  } catch (error) {
    if (error instanceof DiscoveryError) return error;
    throw error;
  }
  throw new Error('expected a DiscoveryError, nothing was thrown');
}

describe('parseSimpleSigningPayload', () => {
  describe('with real cosign payloads (containers/image test data)', () => {
    it('reads the digest, reference and type of a keyless signature, and a null optional as empty', () => {
      const bytes = readFileSync(join(EXTRACTED, 'dir-img-cosign-fulcio-rekor-valid', 'payload.json'));
      expect(parseSimpleSigningPayload(bytes)).toEqual({
        dockerManifestDigest: DIGEST,
        dockerReference: '192.168.64.2:5000/cosign-signed/fulcio-rekor-1',
        type: 'cosign container image signature',
        optional: {},
      });
    });

    it.each(['dir-img-cosign-fulcio-rekor-valid', 'dir-img-cosign-key-rekor-valid', 'dir-img-cosign-valid'])(
      'reads in %s the digest of the manifest that was signed',
      (name) => {
        const manifest = readFileSync(join(EXTRACTED, name, 'manifest.json'));
        const claims = parseSimpleSigningPayload(readFileSync(join(EXTRACTED, name, 'payload.json')));
        expect(claims.dockerManifestDigest).toBe(
          `sha256:${createHash('sha256').update(manifest).digest('hex')}`,
        );
      },
    );
  });

  it('keeps optional annotations as stored', () => {
    const claims = parseSimpleSigningPayload(
      utf8('{"critical":{"image":{"docker-manifest-digest":"sha256:aa"}},"optional":{"env":"prod","n":1}}'),
    );
    expect(claims.optional).toEqual({ env: 'prod', n: 1 });
  });

  describe('when keys differ only in case, as Go encoding/json accepts', () => {
    it('matches Critical, IMAGE and Docker-Manifest-Digest to their fields', () => {
      const claims = parseSimpleSigningPayload(
        utf8(
          '{"Critical":{"IMAGE":{"Docker-Manifest-Digest":"sha256:ab"},"Identity":{"DOCKER-REFERENCE":"r"},"Type":"t"}}',
        ),
      );
      expect(claims).toMatchObject({ dockerManifestDigest: 'sha256:ab', dockerReference: 'r', type: 't' });
    });

    it('folds the Kelvin sign in "doc\\u212Aer-manifest-digest" to k, as Go does', () => {
      const claims = parseSimpleSigningPayload(
        utf8('{"critical":{"image":{"doc\u212Aer-manifest-digest":"sha256:cd"}}}'),
      );
      expect(claims.dockerManifestDigest).toBe('sha256:cd');
    });

    it('refuses a payload naming one field twice, since Go would merge both in document order', () => {
      const error = failure(() =>
        parseSimpleSigningPayload(
          utf8('{"critical":{"image":{"docker-manifest-digest":"sha256:aa"}},"Critical":{"type":"x"}}'),
        ),
      );
      expect(error.code).toBe('MALFORMED_SIGNATURE');
      expect(error.message).toContain('names field "critical" twice');
    });
  });

  describe('when fields are missing or null', () => {
    it('reports them as undefined, like Go zero values', () => {
      expect(parseSimpleSigningPayload(utf8('{"critical":null,"optional":null}'))).toEqual({
        dockerManifestDigest: undefined,
        dockerReference: undefined,
        type: undefined,
        optional: {},
      });
    });

    it('reads an empty digest as missing', () => {
      const claims = parseSimpleSigningPayload(utf8('{"critical":{"image":{"docker-manifest-digest":""}}}'));
      expect(claims.dockerManifestDigest).toBeUndefined();
    });
  });

  describe('when the payload is not what cosign writes', () => {
    it.each([
      ['an array root', '[]'],
      ['a string root', '"x"'],
      ['critical as an array', '{"critical":[]}'],
      ['the digest as a number', '{"critical":{"image":{"docker-manifest-digest":5}}}'],
      ['the type as an object', '{"critical":{"type":{}}}'],
      ['optional as a string', '{"optional":"x"}'],
      ['truncated JSON', '{"critical":'],
      ['a byte order mark', '\ufeff{}'],
    ])('refuses %s as MALFORMED_SIGNATURE', (_name, text) => {
      expect(failure(() => parseSimpleSigningPayload(utf8(text))).code).toBe('MALFORMED_SIGNATURE');
    });

    it('refuses invalid UTF-8 rather than reading replacement characters', () => {
      const bytes = new Uint8Array([...utf8('{"critical":{"type":"'), 0xff, ...utf8('"}}')]);
      expect(failure(() => parseSimpleSigningPayload(bytes)).message).toContain('UTF-8');
    });

    it('refuses nesting deeper than the cap', () => {
      const deep = `{"optional":{"a":${'['.repeat(100)}${']'.repeat(100)}}}`;
      expect(failure(() => parseSimpleSigningPayload(utf8(deep))).message).toContain('nests deeper');
    });

    it('refuses a payload over maxBytes as PAYLOAD_TOO_LARGE without parsing it', () => {
      const error = failure(() => parseSimpleSigningPayload(utf8('{"optional":{}}'), { maxBytes: 10 }));
      expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    });
  });
});
