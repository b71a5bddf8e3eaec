import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR } from '../../test/support/paths.js';
import {
  isStdBase64,
  parseRekorBundleAnnotation,
  parseRfc3161TimestampAnnotation,
  readLegacyLayerAnnotations,
} from './cosign-annotations.js';
import { DiscoveryError } from './errors.js';
import { ANNOTATION } from './media-types.js';

const CASE = join(
  CONFORMANCE_DIR,
  'cosign-real',
  'containers-image',
  'extracted',
  'dir-img-cosign-fulcio-rekor-valid',
);
const read = (name: string): string => readFileSync(join(CASE, name), 'utf8');

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DiscoveryError) return error.code;
    throw error;
  }
  return 'nothing thrown';
}

describe('parseRekorBundleAnnotation', () => {
  it('reads the real bundle annotation of a public-good keyless signature', () => {
    const bundle = parseRekorBundleAnnotation(read('rekor-bundle.json'));
    expect(bundle.logIndex).toBe(11605770);
    expect(bundle.integratedTime).toBe(1674247893);
    expect(bundle.logId).toMatch(/^c0d23d6a[0-9a-f]{56}$/);
    const body = JSON.parse(Buffer.from(bundle.body, 'base64').toString('utf8')) as { kind: string };
    expect(body.kind).toBe('hashedrekord');
    expect(Buffer.from(bundle.signedEntryTimestamp, 'base64').length).toBeGreaterThan(60);
  });

  it('accepts Go-style case-insensitive keys', () => {
    const text = JSON.stringify({
      signedentrytimestamp: 'AAAA',
      PAYLOAD: { Body: 'AAAA', IntegratedTime: 1, LOGINDEX: 2, LogId: 'a'.repeat(64) },
    });
    expect(parseRekorBundleAnnotation(text)).toEqual({
      signedEntryTimestamp: 'AAAA',
      body: 'AAAA',
      integratedTime: 1,
      logIndex: 2,
      logId: 'a'.repeat(64),
    });
  });

  describe('when a field is missing or of the wrong shape', () => {
    const good = {
      SignedEntryTimestamp: 'AAAA',
      Payload: { body: 'AAAA', integratedTime: 1, logIndex: 2, logID: 'a'.repeat(64) },
    };
    it.each([
      ['no SignedEntryTimestamp', { ...good, SignedEntryTimestamp: undefined }],
      ['a SignedEntryTimestamp that is not base64', { ...good, SignedEntryTimestamp: 'not base64!' }],
      ['no Payload', { ...good, Payload: undefined }],
      ['a numeric body', { ...good, Payload: { ...good.Payload, body: 5 } }],
      ['a fractional integratedTime', { ...good, Payload: { ...good.Payload, integratedTime: 1.5 } }],
      ['a string logIndex', { ...good, Payload: { ...good.Payload, logIndex: '2' } }],
      ['a logID that is not hex', { ...good, Payload: { ...good.Payload, logID: 'zz' } }],
      ['a negative logIndex', { ...good, Payload: { ...good.Payload, logIndex: -1 } }],
    ])('refuses %s as MALFORMED_SIGNATURE', (_name, value) => {
      expect(codeOf(() => parseRekorBundleAnnotation(JSON.stringify(value)))).toBe('MALFORMED_SIGNATURE');
    });

    it('refuses text that is not JSON', () => {
      expect(codeOf(() => parseRekorBundleAnnotation('{not json'))).toBe('MALFORMED_SIGNATURE');
    });
  });
});

describe('parseRfc3161TimestampAnnotation', () => {
  it('decodes the DER bytes', () => {
    expect([...parseRfc3161TimestampAnnotation('{"SignedRFC3161Timestamp":"MAMCAQA="}')]).toEqual([
      0x30, 0x03, 0x02, 0x01, 0x00,
    ]);
  });

  it('refuses an annotation without the timestamp', () => {
    expect(codeOf(() => parseRfc3161TimestampAnnotation('{}'))).toBe('MALFORMED_SIGNATURE');
  });
});

describe('readLegacyLayerAnnotations', () => {
  it('reads a real keyless signature layer: signature, certificate, chain and Rekor bundle', () => {
    const read_ = readLegacyLayerAnnotations({
      [ANNOTATION.signature]: read('signature.b64').trim(),
      [ANNOTATION.certificate]: read('certificate.pem'),
      [ANNOTATION.chain]: read('chain.pem'),
      [ANNOTATION.bundle]: read('rekor-bundle.json'),
    });
    expect(read_.signature).toBe(read('signature.b64').trim());
    expect(read_.certificatePem).toContain('BEGIN CERTIFICATE');
    expect(read_.chainPem?.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(read_.rekorBundle?.logIndex).toBe(11605770);
    expect(read_.rfc3161Timestamp).toBeUndefined();
  });

  it('reads empty optional annotations as absent, as cosign does', () => {
    const read_ = readLegacyLayerAnnotations({
      [ANNOTATION.signature]: 'AAAA',
      [ANNOTATION.certificate]: '',
    });
    expect(read_.certificatePem).toBeUndefined();
  });

  it('refuses a layer without a signature annotation', () => {
    expect(codeOf(() => readLegacyLayerAnnotations({}))).toBe('MALFORMED_SIGNATURE');
  });

  it('refuses a non-string annotation value rather than crashing on it', () => {
    const annotations = { [ANNOTATION.signature]: 42 } as unknown as Record<string, string>;
    expect(codeOf(() => readLegacyLayerAnnotations(annotations))).toBe('MALFORMED_SIGNATURE');
  });
});

describe('isStdBase64', () => {
  it.each(['', 'AAAA', 'AA==', 'A+/='])('accepts %j', (text) => expect(isStdBase64(text)).toBe(true));
  it.each(['A', 'AA=', 'A-_A', 'AA AA', '====', 'AAAA\n'])('refuses %j', (text) =>
    expect(isStdBase64(text)).toBe(false),
  );
});
