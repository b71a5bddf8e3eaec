import type { TransparencyLogEntry } from '@sigstore/bundle';
import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestSigstore, generateKeyPair } from '../../../test/support/sigstore/index.js';
import { SignatureCheckError } from '../errors.js';
import { checkTlogSignerBinding } from './tlog-signer-binding.js';

const sigstore = createTestSigstore();
const mine = sigstore.issueCertificate({
  san: { email: 'me@example.com' },
  issuer: 'https://accounts.google.com',
});
const theirs = sigstore.issueCertificate({
  san: { email: 'them@example.com' },
  issuer: 'https://accounts.google.com',
});
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

function entry(body: unknown): TransparencyLogEntry {
  return {
    logIndex: '1',
    logId: { keyId: Buffer.alloc(32) },
    kindVersion: { kind: 'x', version: 'y' },
    integratedTime: '1',
    inclusionPromise: undefined,
    inclusionProof: undefined,
    canonicalizedBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  };
}

const hashedrekord = (pem: string) => ({
  apiVersion: '0.0.1',
  kind: 'hashedrekord',
  spec: { signature: { content: 'AA==', publicKey: { content: b64(pem) } }, data: {} },
});
const dsse = (pem: string) => ({
  apiVersion: '0.0.1',
  kind: 'dsse',
  spec: { signatures: [{ signature: 'AA==', verifier: b64(pem) }] },
});
const intoto = (pem: string) => ({
  apiVersion: '0.0.2',
  kind: 'intoto',
  spec: { content: { envelope: { signatures: [{ sig: 'AA==', publicKey: b64(pem) }] } } },
});
const rekorV2 = (der: Buffer) => ({
  apiVersion: '0.0.2',
  kind: 'hashedrekord',
  spec: {
    hashedRekordV002: {
      signature: { content: 'AA==', verifier: { x509Certificate: { rawBytes: b64(der) } } },
    },
  },
});

const asCertificate = { kind: 'certificate' as const, der: mine.certificateDer };

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof SignatureCheckError ? error.code : 'OTHER';
  }
}

describe('checkTlogSignerBinding', () => {
  describe.each([
    ['hashedrekord 0.0.1', (c: typeof mine) => hashedrekord(c.certificatePem)],
    ['dsse 0.0.1', (c: typeof mine) => dsse(c.certificatePem)],
    ['intoto 0.0.2', (c: typeof mine) => intoto(c.certificatePem)],
    ['hashedrekord 0.0.2 (Rekor v2)', (c: typeof mine) => rekorV2(c.certificateDer)],
  ])('for a %s entry', (_kind, body) => {
    it('accepts the entry that records the signing certificate', () => {
      expect(codeOf(() => checkTlogSignerBinding([entry(body(mine))], asCertificate))).toBeUndefined();
    });

    it('rejects an entry that records another certificate (TLOG_MISMATCH)', () => {
      expect(codeOf(() => checkTlogSignerBinding([entry(body(theirs))], asCertificate))).toBe(
        'TLOG_MISMATCH',
      );
    });
  });

  it('ignores PEM line wrapping: the comparison is on DER', () => {
    const rewrapped = mine.certificatePem.replace(/\n/g, '\r\n');
    expect(
      codeOf(() => checkTlogSignerBinding([entry(hashedrekord(rewrapped))], asCertificate)),
    ).toBeUndefined();
  });

  it('binds key-based entries to the policy key', () => {
    const key = generateKeyPair('ecdsa-p256');
    const other = generateKeyPair('ecdsa-p256');
    const signer = { kind: 'key' as const, key: createPublicKey(key.publicKeyPem) };
    expect(
      codeOf(() => checkTlogSignerBinding([entry(hashedrekord(key.publicKeyPem))], signer)),
    ).toBeUndefined();
    expect(codeOf(() => checkTlogSignerBinding([entry(hashedrekord(other.publicKeyPem))], signer))).toBe(
      'TLOG_MISMATCH',
    );
  });

  it('does not accept a public key entry for a certificate signer', () => {
    const keyPem = createPublicKey(mine.privateKey).export({ type: 'spki', format: 'pem' }).toString();
    expect(codeOf(() => checkTlogSignerBinding([entry(hashedrekord(keyPem))], asCertificate))).toBe(
      'TLOG_MISMATCH',
    );
  });

  it('rejects a kind it cannot read a signer from', () => {
    const rekord = { apiVersion: '0.0.1', kind: 'rekord', spec: {} };
    expect(codeOf(() => checkTlogSignerBinding([entry(rekord)], asCertificate))).toBe('TLOG_MISMATCH');
  });

  it('rejects a body that is not JSON as TLOG_INVALID', () => {
    expect(codeOf(() => checkTlogSignerBinding([entry('{')], asCertificate))).toBe('TLOG_INVALID');
  });

  it('checks every entry, not just the first', () => {
    const entries = [entry(hashedrekord(mine.certificatePem)), entry(hashedrekord(theirs.certificatePem))];
    expect(codeOf(() => checkTlogSignerBinding(entries, asCertificate))).toBe('TLOG_MISMATCH');
  });
});
