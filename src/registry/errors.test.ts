import { describe, expect, it } from 'vitest';
import { errorFromResponse, parseRegistryErrorBody, RegistryError } from './errors.js';

const body = (value: unknown) =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

describe('parseRegistryErrorBody', () => {
  it('reads distribution-spec codes and the first message', () => {
    const parsed = parseRegistryErrorBody(
      body({
        errors: [
          { code: 'DENIED', message: 'no\nway' },
          { code: 'UNAUTHORIZED', message: 'later' },
        ],
      }),
    );
    expect(parsed).toEqual({ codes: ['DENIED', 'UNAUTHORIZED'], message: 'no way' });
  });

  it('copes with HTML, non-objects and odd codes', () => {
    expect(parseRegistryErrorBody(body('<html>502</html>'))).toEqual({ codes: [], message: undefined });
    expect(parseRegistryErrorBody(body({ errors: 'x' }))).toEqual({ codes: [], message: undefined });
    expect(parseRegistryErrorBody(body({ errors: [{ code: 'lower case <script>' }] })).codes).toEqual([]);
  });

  it('shortens long messages', () => {
    expect(
      parseRegistryErrorBody(body({ errors: [{ code: 'X', message: 'a'.repeat(10_000) }] })).message,
    ).toHaveLength(200);
  });
});

describe('errorFromResponse', () => {
  const cases: [number, unknown, 'manifest' | 'blob', string, boolean][] = [
    [401, {}, 'manifest', 'REGISTRY_UNAUTHORIZED', false],
    [403, { errors: [{ code: 'DENIED' }] }, 'manifest', 'REGISTRY_DENIED', false],
    [404, { errors: [{ code: 'MANIFEST_UNKNOWN' }] }, 'manifest', 'MANIFEST_UNKNOWN', false],
    [404, { errors: [{ code: 'NAME_UNKNOWN' }] }, 'manifest', 'NAME_UNKNOWN', false],
    [404, '', 'blob', 'BLOB_UNKNOWN', false],
    [404, '', 'manifest', 'MANIFEST_UNKNOWN', false],
    [429, { errors: [{ code: 'TOOMANYREQUESTS' }] }, 'manifest', 'REGISTRY_RATE_LIMITED', true],
    [503, '', 'blob', 'REGISTRY_UNAVAILABLE', true],
    [418, '', 'blob', 'REGISTRY_PROTOCOL_ERROR', false],
  ];
  for (const [status, payload, subject, code, temporary] of cases) {
    it(`maps HTTP ${status} (${subject}) to ${code}`, () => {
      const error = errorFromResponse(status, body(payload), subject, 'manifest a/b:1');
      expect(error).toBeInstanceOf(RegistryError);
      expect(error).toMatchObject({ code, status, temporary });
      expect(error.message).toContain('manifest a/b:1');
    });
  }

  it('carries the registry codes', () => {
    const error = errorFromResponse(
      429,
      body({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow' }] }),
      'manifest',
      'x',
    );
    expect(error.registryCodes).toEqual(['TOOMANYREQUESTS']);
    expect(error.message).toContain('TOOMANYREQUESTS');
  });
});
