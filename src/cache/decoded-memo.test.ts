import { describe, expect, it } from 'vitest';
import { DecodedMemo } from './decoded-memo.js';
import { serialize } from './serializer.js';

describe('DecodedMemo', () => {
  it('decodes a stored text once and hands back the same value for the same text', () => {
    const memo = new DecodedMemo();
    const text = serialize({ value: { bytes: new Uint8Array([1, 2, 3]) }, expires: 1 });
    const first = memo.decode(text);
    expect(first).toEqual({ value: { bytes: new Uint8Array([1, 2, 3]) }, expires: 1 });
    expect(memo.decode(text)).toBe(first);
  });

  it('never maps a different text to a remembered value', () => {
    const memo = new DecodedMemo();
    const a = memo.decode(serialize({ value: 'a' }));
    const b = memo.decode(serialize({ value: 'b' }));
    expect(a).toEqual({ value: 'a' });
    expect(b).toEqual({ value: 'b' });
  });

  it('forgets the oldest entries beyond its bound', () => {
    const memo = new DecodedMemo(2);
    const texts = ['x', 'y', 'z'].map((v) => serialize({ value: v }));
    const first = memo.decode(texts[0]!);
    memo.decode(texts[1]!);
    memo.decode(texts[2]!);
    expect(memo.decode(texts[0]!)).not.toBe(first);
    expect(memo.decode(texts[0]!)).toEqual(first);
  });
});
