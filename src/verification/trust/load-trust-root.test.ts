import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodeCrypto from 'node:crypto';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createTestSigstore } from '../../../test/support/sigstore/index.js';
import { TrustRootError } from '../errors.js';
import { loadTrustRoot, parseTrustRoot } from './load-trust-root.js';

const embeddedPath = new URL('./public-good-trusted-root.json', import.meta.url);
const embeddedJson = JSON.parse(readFileSync(embeddedPath, 'utf8')) as Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), 'imprimatur-trust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeRoot(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function expectTrustRootError(fn: () => unknown, message: RegExp): void {
  expect(fn).toThrowError(TrustRootError);
  expect(fn).toThrowError(message);
}

describe('loadTrustRoot', () => {
  describe('when no file is configured', () => {
    it('loads the embedded public-good root with production Rekor and Fulcio', () => {
      const root = loadTrustRoot({ trustedRootPath: undefined });
      expect(root.source).toBe('embedded Sigstore public-good trusted root');
      expect(root.material.tlogs.map((t) => t.baseURL)).toContain('https://rekor.sigstore.dev');
      expect(root.material.certificateAuthorities.length).toBeGreaterThanOrEqual(1);
      expect(root.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    });

    it('gives the same id on every load, so cache keys are stable', () => {
      expect(loadTrustRoot({ trustedRootPath: undefined }).id).toBe(
        loadTrustRoot({ trustedRootPath: undefined }).id,
      );
    });
  });

  describe('when IMPRIMATUR_TRUSTED_ROOT names a file', () => {
    it('loads it and names the path as the source', () => {
      const path = writeRoot('copy.json', JSON.stringify(embeddedJson, null, 2));
      const root = loadTrustRoot({ trustedRootPath: path });
      expect(root.source).toBe(path);
      // Same content, different formatting: the id is over canonical JSON, so it must not change.
      expect(root.id).toBe(loadTrustRoot({ trustedRootPath: undefined }).id);
    });

    it('gives a different id for different content', () => {
      const changed = { ...embeddedJson, ctlogs: [] };
      const path = writeRoot('changed.json', JSON.stringify(changed));
      expect(loadTrustRoot({ trustedRootPath: path }).id).not.toBe(
        loadTrustRoot({ trustedRootPath: undefined }).id,
      );
    });

    it('fails fast when the file cannot be read', () => {
      expectTrustRootError(
        () => loadTrustRoot({ trustedRootPath: join(dir, 'missing.json') }),
        /cannot read/,
      );
    });

    it('fails fast when the file is not JSON', () => {
      const path = writeRoot('bad.json', '{ not json');
      expectTrustRootError(() => loadTrustRoot({ trustedRootPath: path }), /not valid JSON/);
    });

    it('fails fast when the JSON is not an object', () => {
      const path = writeRoot('array.json', '[]');
      expectTrustRootError(() => loadTrustRoot({ trustedRootPath: path }), /not a JSON object/);
    });

    it('fails fast when a key in it is corrupt', () => {
      const tlogs = embeddedJson.tlogs as { publicKey: { rawBytes: string } }[];
      const broken = {
        ...embeddedJson,
        tlogs: tlogs.map((t) => ({ ...t, publicKey: { ...t.publicKey, rawBytes: 'AAAA' } })),
      };
      const path = writeRoot('corrupt.json', JSON.stringify(broken));
      expectTrustRootError(() => loadTrustRoot({ trustedRootPath: path }), /malformed/);
    });

    it('fails fast when a transparency log has no validity start (the spec requires one)', () => {
      const tlogs = (embeddedJson.tlogs as { publicKey: Record<string, unknown> }[]).map((t) => ({
        ...t,
        publicKey: { ...t.publicKey, validFor: {} },
      }));
      const path = writeRoot('undated.json', JSON.stringify({ ...embeddedJson, tlogs }));
      expectTrustRootError(() => loadTrustRoot({ trustedRootPath: path }), /without validFor.start: tlog/);
    });

    it('fails fast when the media type is not a trusted root', () => {
      const path = writeRoot('media.json', JSON.stringify({ ...embeddedJson, mediaType: 'text/plain' }));
      expectTrustRootError(() => loadTrustRoot({ trustedRootPath: path }), /unexpected mediaType/);
    });
  });

  describe('when every authority has expired', () => {
    const expire = <T extends { validFor?: unknown }>(items: T[]): T[] =>
      items.map((i) => ({ ...i, validFor: { start: '2021-01-01T00:00:00Z', end: '2022-01-01T00:00:00Z' } }));

    it('rejects a root with no certificate authority valid now', () => {
      const cas = embeddedJson.certificateAuthorities as { validFor?: unknown }[];
      const path = writeRoot(
        'old-ca.json',
        JSON.stringify({ ...embeddedJson, certificateAuthorities: expire(cas) }),
      );
      expectTrustRootError(() => loadTrustRoot({ trustedRootPath: path }), /no certificate authority valid/);
    });

    it('rejects a root with no transparency log valid now', () => {
      const tlogs = (embeddedJson.tlogs as { publicKey: { validFor?: unknown } }[]).map((t) => ({
        ...t,
        publicKey: {
          ...t.publicKey,
          validFor: { start: '2021-01-01T00:00:00Z', end: '2022-01-01T00:00:00Z' },
        },
      }));
      const path = writeRoot('old-tlog.json', JSON.stringify({ ...embeddedJson, tlogs }));
      expectTrustRootError(() => loadTrustRoot({ trustedRootPath: path }), /no transparency log valid/);
    });

    it('still parses a historical root when currency is not required', () => {
      const cas = embeddedJson.certificateAuthorities as { validFor?: unknown }[];
      const root = parseTrustRoot({ ...embeddedJson, certificateAuthorities: expire(cas) }, 'test', {
        requireCurrentAuthorities: false,
      });
      expect(root.material.certificateAuthorities).toHaveLength(cas.length);
    });
  });

  describe('checks its own CA chains once, at load', () => {
    afterEach(() => vi.restoreAllMocks());

    it.each([
      ['a private Sigstore (P-256)', () => parseTrustRoot(createTestSigstore().trustedRoot, 'test')],
      ['the embedded public-good root (P-384)', () => loadTrustRoot({ trustedRootPath: undefined })],
    ])('%s: verifications after start-up make none of those checks again', (_name, load) => {
      const root = load();
      // node:crypto.verify is what every certificate signature check ends in (through @sigstore/core).
      const checks = vi.spyOn(nodeCrypto, 'verify');
      let chained = 0;
      for (const { certChain } of root.material.certificateAuthorities) {
        certChain.forEach((certificate, i) => {
          const issuer = certChain[i + 1];
          if (issuer === undefined) {
            if (certificate.subject.equals(certificate.issuer)) expect(certificate.verify()).toBe(true);
          } else {
            expect(certificate.verify(issuer)).toBe(true);
            chained += 1;
          }
        });
      }
      expect(chained).toBeGreaterThan(0);
      expect(checks).not.toHaveBeenCalled();
    });
  });
});
