import { describe, expect, it } from 'vitest';
import { DiscoveryError } from '../../discovery/index.js';
import { MAX_STATEMENT_SUBJECTS, parseStatement, subjectSha256Digests } from './statement.js';

const HEX = 'a'.repeat(64);
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('parseStatement', () => {
  it('reads _type, predicateType and subjects of a v1 statement without a predicate', () => {
    const statement = parseStatement(
      bytes({
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ name: 'img', digest: { sha256: HEX, sha512: 'b' } }],
        predicateType: 'https://sigstore.dev/cosign/sign/v1',
      }),
      1 << 20,
    );
    expect(statement).toMatchObject({
      type: 'https://in-toto.io/Statement/v1',
      predicateType: 'https://sigstore.dev/cosign/sign/v1',
      subjects: [{ name: 'img', digest: { sha256: HEX, sha512: 'b' } }],
    });
    expect(subjectSha256Digests(statement)).toEqual([`sha256:${HEX}`]);
  });

  it('ignores malformed sha256 values as digest claims', () => {
    const statement = parseStatement(bytes({ subject: [{ digest: { sha256: 'ABC' } }] }), 1 << 20);
    expect(subjectSha256Digests(statement)).toEqual([]);
  });

  it.each([
    ['a non-object', [1, 2]],
    ['a digest that is a string (not a DigestSet)', { subject: [{ digest: `sha256:${HEX}` }] }],
    ['a digest value that is not a string', { subject: [{ digest: { sha256: 1 } }] }],
    ['too many subjects', { subject: Array.from({ length: MAX_STATEMENT_SUBJECTS + 1 }, () => ({})) }],
  ])('refuses %s as malformed', (_what, value) => {
    expect(() => parseStatement(bytes(value), 1 << 20)).toThrow(DiscoveryError);
  });

  it('refuses a statement over the byte cap', () => {
    expect(() => parseStatement(bytes({ predicate: 'x'.repeat(100) }), 50)).toThrow(DiscoveryError);
  });
});
