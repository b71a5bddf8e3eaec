import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR } from '../../test/support/paths.js';
import { DiscoveryError } from './errors.js';
import { readSigstoreBundle } from './sigstore-bundle.js';

const ASSETS = join(CONFORMANCE_DIR, 'sigstore-conformance', 'test', 'assets', 'bundle-verify');
const realBundle = (name: string): Uint8Array => readFileSync(join(ASSETS, name, 'bundle.sigstore.json'));
const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const A_TXT = 'sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf';
const LIMITS = { subjectDigest: A_TXT, maxBytes: 1024 * 1024 };

function statement(digestHex: string, predicateType: string): string {
  const body = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ digest: { sha256: digestHex } }],
    predicateType,
  };
  return Buffer.from(JSON.stringify(body)).toString('base64');
}

describe('readSigstoreBundle', () => {
  describe('with real bundles from the sigstore conformance suite', () => {
    it('reads the in-toto statement of a DSSE bundle: subject digest and predicate type', () => {
      const read = readSigstoreBundle(realBundle('rekor2-dsse-happy-path'), LIMITS);
      expect(read.payloadType).toBe('application/vnd.in-toto+json');
      expect(read.claims.dockerManifestDigest).toBe(A_TXT);
      expect(read.claims.type).toBe('https://slsa.dev/provenance/v1');
      expect(read.bundle).toMatchObject({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' });
    });

    it('reads a message-signature bundle as having no payload type and no claims', () => {
      const read = readSigstoreBundle(realBundle('happy-path-v0.3'), LIMITS);
      expect(read.payloadType).toBeUndefined();
      expect(read.claims.dockerManifestDigest).toBeUndefined();
      expect(read.bundle).toHaveProperty('messageSignature');
    });
  });

  it('lets messageSignature win over dsseEnvelope, as @sigstore/protobuf-specs does', () => {
    const read = readSigstoreBundle(
      json({
        messageSignature: {},
        dsseEnvelope: {
          payloadType: 'application/vnd.in-toto+json',
          payload: statement('a'.repeat(64), 'p'),
        },
      }),
      LIMITS,
    );
    expect(read.claims.dockerManifestDigest).toBeUndefined();
  });

  it('reads no claims from a DSSE payload that is not an in-toto statement', () => {
    const read = readSigstoreBundle(
      json({ dsseEnvelope: { payloadType: 'text/plain', payload: 'aGk=' } }),
      LIMITS,
    );
    expect(read).toMatchObject({ payloadType: 'text/plain', claims: { dockerManifestDigest: undefined } });
  });

  describe('when the bundle is unusable', () => {
    it.each([
      ['not an object', []],
      ['neither content', { mediaType: 'x' }],
      ['a dsseEnvelope that is a string', { dsseEnvelope: 'x' }],
      ['a numeric payload', { dsseEnvelope: { payloadType: 'application/vnd.in-toto+json', payload: 1 } }],
      [
        'a statement that is not JSON',
        { dsseEnvelope: { payloadType: 'application/vnd.in-toto+json', payload: 'eA==' } },
      ],
    ])('refuses %s as MALFORMED_SIGNATURE', (_name, value) => {
      let caught: unknown;
      try {
        readSigstoreBundle(json(value), LIMITS);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(DiscoveryError);
      expect((caught as DiscoveryError).code).toBe('MALFORMED_SIGNATURE');
    });
  });
});
