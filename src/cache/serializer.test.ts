import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from './serializer.js';

describe('the cache serializer', () => {
  it('gives back a Uint8Array with the same bytes, not an object of numbered keys', () => {
    const bytes = new Uint8Array([0, 1, 2, 254, 255]);
    const back = deserialize(serialize({ payload: bytes }));
    expect(back).toEqual({ payload: bytes });
    expect((back as { payload: unknown }).payload).toBeInstanceOf(Uint8Array);
  });

  it('gives back a Buffer as a Uint8Array of the same bytes, not as {type, data}', () => {
    const back = deserialize(serialize([Buffer.from('manifest bytes')])) as unknown[];
    expect(back[0]).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(back[0] as Uint8Array).toString()).toBe('manifest bytes');
  });

  it('keeps a byte array that is a view into a larger buffer to just its own bytes', () => {
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const view = backing.subarray(2, 5);
    expect(deserialize(serialize(view))).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('gives back a Date as the same instant', () => {
    const checkedAt = new Date('2026-11-26T10:00:00.123Z');
    const back = deserialize(serialize({ checkedAt })) as { checkedAt: Date };
    expect(back.checkedAt).toBeInstanceOf(Date);
    expect(back.checkedAt.getTime()).toBe(checkedAt.getTime());
  });

  describe('when stored JSON looks like one of its own tags', () => {
    it('gives back the object as it was, not bytes', () => {
      const hostile = { $t: 'bytes', v: 'AAEC' };
      const back = deserialize(serialize({ bundle: hostile }));
      expect(back).toEqual({ bundle: hostile });
    });

    it('gives back nested look-alikes unchanged at every depth', () => {
      const hostile = { $t: 'object', v: [['$t', { $t: 'date', v: 'x' }]], list: [{ $t: 'bytes' }] };
      expect(deserialize(serialize(hostile))).toEqual(hostile);
    });
  });

  it('keeps a __proto__ member as data instead of setting a prototype', () => {
    const parsed = JSON.parse('{"$t":"x","__proto__":{"polluted":true}}') as Record<string, unknown>;
    const back = deserialize(serialize(parsed)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['not JSON', '{"value":'],
    ['an unknown tag', '{"$t":"regexp","v":"x"}'],
    ['bytes that are not a string', '{"$t":"bytes","v":5}'],
    ['an invalid date', '{"$t":"date","v":"yesterday"}'],
    ['an escaped object without entries', '{"$t":"object","v":{}}'],
  ])('reads %s as nothing rather than throwing', (_what, text) => {
    expect(deserialize(text)).toBeUndefined();
  });

  it('round-trips any JSON value mixed with byte arrays', () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 2 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.oneof(fc.string(), fc.constant('$t'), fc.constant('v')), tie('node'), {
          maxKeys: 4,
        }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(stripBytes(deserialize(serialize(v)))).toEqual(stripBytes(v));
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * Structure with bytes replaced by a marked hex string, so a byte array only equals a byte array;
 * -0 becomes 0 because JSON itself cannot tell them apart (not the serializer's doing).
 */
function stripBytes(value: unknown): unknown {
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) return value.map(stripBytes);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripBytes(v)]));
  }
  return Object.is(value, -0) ? 0 : value;
}
