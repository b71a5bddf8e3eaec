import { describe, expect, it } from 'vitest';
import { DiscoveryError } from './errors.js';
import { COSIGN_SIGN_PREDICATE_TYPE, parseInTotoStatement } from './in-toto.js';

const HEX_A = 'a'.repeat(64);
const HEX_B = 'b'.repeat(64);
const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/** The statement cosign v3's `cosign sign` puts in its DSSE envelope. */
function cosignStatement(subjects: readonly unknown[]): Uint8Array {
  return json({
    _type: 'https://in-toto.io/Statement/v1',
    subject: subjects,
    predicateType: COSIGN_SIGN_PREDICATE_TYPE,
    predicate: {},
  });
}

describe('parseInTotoStatement', () => {
  it('reads the subject digest as sha256:<hex>, the predicate type and the subject annotations', () => {
    const claims = parseInTotoStatement(
      cosignStatement([{ digest: { sha256: HEX_A }, annotations: { env: 'prod' } }]),
      { subjectDigest: `sha256:${HEX_A}` },
    );
    expect(claims).toEqual({
      dockerManifestDigest: `sha256:${HEX_A}`,
      dockerReference: undefined,
      type: COSIGN_SIGN_PREDICATE_TYPE,
      optional: { env: 'prod' },
    });
  });

  describe('when the statement has several subjects', () => {
    const statement = cosignStatement([
      { name: 'other', digest: { sha256: HEX_B }, annotations: { which: 'b' } },
      { name: 'ours', digest: { sha256: HEX_A }, annotations: { which: 'a' } },
    ]);

    it('picks the subject naming the digest looked up, with its annotations', () => {
      const claims = parseInTotoStatement(statement, { subjectDigest: `sha256:${HEX_A}` });
      expect(claims.dockerManifestDigest).toBe(`sha256:${HEX_A}`);
      expect(claims.optional).toEqual({ which: 'a' });
    });

    it('reports the first claimed digest when none names ours, so verification can say what was signed', () => {
      const claims = parseInTotoStatement(statement, { subjectDigest: `sha256:${'c'.repeat(64)}` });
      expect(claims.dockerManifestDigest).toBe(`sha256:${HEX_B}`);
    });
  });

  it('ignores a sha256 value that is not 64 lowercase hex characters', () => {
    const claims = parseInTotoStatement(
      cosignStatement([{ digest: { sha256: 'A'.repeat(64) } }, { digest: { sha256: HEX_B } }]),
    );
    expect(claims.dockerManifestDigest).toBe(`sha256:${HEX_B}`);
  });

  it('reports no digest for a subject with only a sha512 digest', () => {
    const claims = parseInTotoStatement(cosignStatement([{ digest: { sha512: 'f'.repeat(128) } }]));
    expect(claims.dockerManifestDigest).toBeUndefined();
  });

  it('matches statement field names case-insensitively, as in-toto-golang (encoding/json) does', () => {
    const claims = parseInTotoStatement(
      json({ Subject: [{ Digest: { sha256: HEX_A } }], PredicateType: 'p' }),
    );
    expect(claims).toMatchObject({ dockerManifestDigest: `sha256:${HEX_A}`, type: 'p' });
  });

  describe('when the statement is malformed', () => {
    it.each([
      ['subject is an object', { subject: {} }],
      ['a subject is a string', { subject: ['x'] }],
      ['a digest value is a number', { subject: [{ digest: { sha256: 1 } }] }],
      ['predicateType is a number', { predicateType: 7 }],
      ['_type is an array', { _type: [] }],
    ])('refuses it when %s', (_name, value) => {
      let caught: unknown;
      try {
        parseInTotoStatement(json(value));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(DiscoveryError);
      expect((caught as DiscoveryError).code).toBe('MALFORMED_SIGNATURE');
    });
  });
});
