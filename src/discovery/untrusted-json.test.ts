import { describe, expect, it } from 'vitest';
import { foldKey, goField, goInteger, parseUntrustedJson } from './untrusted-json.js';

describe('foldKey', () => {
  it('folds ASCII letters as Go encoding/json does', () => {
    expect(foldKey('Docker-Manifest-Digest')).toBe(foldKey('docker-manifest-digest'));
  });

  it.each([
    ['\u212A (Kelvin sign)', 'doc\u212Aer', 'docker'],
    ['\u017F (long s)', '\u017Fha256', 'sha256'],
    ['\u0130 (capital I with dot), which Go lowers to i', 'cr\u0130tical', 'critical'],
  ])('folds %s to its ASCII letter, as unicode.ToUpper(unicode.ToLower(r)) does', (_name, odd, plain) => {
    expect(foldKey(odd)).toBe(foldKey(plain));
  });

  it('does not fold \u00DF (sharp s) to "SS", since Go maps rune to rune', () => {
    expect(foldKey('\u00DF')).not.toBe(foldKey('ss'));
  });
});

describe('goField', () => {
  it('finds a field under any case', () => {
    expect(goField({ TYPE: 'x' }, 'type', 'doc')).toBe('x');
  });

  it('returns undefined when the field is absent', () => {
    expect(goField({ other: 1 }, 'type', 'doc')).toBeUndefined();
  });

  it('refuses two keys naming one field, quoting the untrusted keys safely', () => {
    expect(() => goField({ type: 1, Type: 2 }, 'type', 'doc')).toThrow(
      /names field "type" twice \("type" and "Type"\)/,
    );
  });

  it('does not read inherited properties such as __proto__ or constructor', () => {
    expect(goField(JSON.parse('{}') as Record<string, unknown>, 'constructor', 'doc')).toBeUndefined();
  });
});

describe('goInteger', () => {
  it.each([[1.5], ['1'], [2 ** 60], [null]])('refuses %j', (value) => {
    expect(() => goInteger({ n: value }, 'n', 'doc')).toThrow(/must be an integer/);
  });
});

describe('parseUntrustedJson', () => {
  it('parses a document within the cap', () => {
    expect(parseUntrustedJson(new TextEncoder().encode('{"a":[1]}'), 'doc', 100)).toEqual({ a: [1] });
  });
});
