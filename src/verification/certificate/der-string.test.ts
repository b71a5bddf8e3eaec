import { describe, expect, it } from 'vitest';
import { MAX_CLAIM_BYTES, readDerString } from './der-string.js';

const tlv = (tag: number, content: Buffer, length: number[] = lengthOf(content.length)): Buffer =>
  Buffer.concat([Buffer.from([tag, ...length]), content]);

function lengthOf(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return [0x80 | bytes.length, ...bytes];
}

const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));

describe('readDerString', () => {
  it('reads a UTF8String, as Fulcio writes the .1.8+ claims', () => {
    expect(readDerString(utf8('refs/heads/main'))).toBe('refs/heads/main');
  });

  it('reads non-ASCII UTF-8 and the empty string', () => {
    expect(readDerString(utf8('déploiement'))).toBe('déploiement');
    expect(readDerString(utf8(''))).toBe('');
  });

  it('reads long-form lengths (one and two bytes)', () => {
    const a = 'a'.repeat(200);
    const b = 'b'.repeat(1000);
    expect(readDerString(utf8(a))).toBe(a);
    expect(readDerString(utf8(b))).toBe(b);
  });

  it.each([
    ['PrintableString', 0x13],
    ['IA5String', 0x16],
  ])('reads a %s, as Go asn1.Unmarshal into a string does', (_name, tag) => {
    expect(readDerString(tlv(tag, Buffer.from('github-hosted')))).toBe('github-hosted');
  });

  describe('refuses (reads undefined) rather than guessing', () => {
    it.each<[string, Buffer | undefined]>([
      ['no bytes at all', undefined],
      ['an empty value', Buffer.alloc(0)],
      ['a lone tag', Buffer.from([0x0c])],
      ['a non-string tag (OCTET STRING)', tlv(0x04, Buffer.from('x'))],
      ['a SEQUENCE', tlv(0x30, utf8('x'))],
      ['raw bytes, as the legacy .1.1–.1.6 extensions hold', Buffer.from('https://github.com/acme')],
      ['a length longer than the bytes', Buffer.from([0x0c, 0x05, 0x61])],
      ['trailing bytes after the string', Buffer.concat([utf8('x'), Buffer.from([0x00])])],
      ['an indefinite length (BER)', Buffer.from([0x0c, 0x80, 0x61, 0x00, 0x00])],
      ['a non-minimal long form for a short value', tlv(0x0c, Buffer.from('abc'), [0x81, 0x03])],
      ['a long form with a leading zero byte', tlv(0x0c, Buffer.alloc(200, 0x61), [0x82, 0x00, 0xc8])],
      ['a length of more than two bytes', Buffer.from([0x0c, 0x83, 0x01, 0x00, 0x00])],
      ['invalid UTF-8', tlv(0x0c, Buffer.from([0xc3, 0x28]))],
      ['a value over the cap', utf8('x'.repeat(MAX_CLAIM_BYTES + 1))],
    ])('%s', (_name, der) => {
      expect(readDerString(der)).toBeUndefined();
    });
  });

  it('reads a value exactly at the cap', () => {
    expect(readDerString(utf8('x'.repeat(MAX_CLAIM_BYTES)))).toHaveLength(MAX_CLAIM_BYTES);
  });
});
