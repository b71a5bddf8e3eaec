import { describe, expect, it } from 'vitest';
import { RegistryError, type RegistryErrorCode } from '../registry/index.js';
import { DiscoveryError } from './errors.js';
import { isNotFound, problemFromFailure } from './registry-failures.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const fail = (code: RegistryErrorCode, temporary = false): RegistryError =>
  new RegistryError(code, `registry said ${code}`, { temporary });

describe('problemFromFailure', () => {
  it.each([
    ['DIGEST_MISMATCH', 'DIGEST_MISMATCH'],
    ['BLOB_TOO_LARGE', 'PAYLOAD_TOO_LARGE'],
    ['MANIFEST_TOO_LARGE', 'PAYLOAD_TOO_LARGE'],
    ['INVALID_MANIFEST', 'MALFORMED_SIGNATURE'],
    ['UNSUPPORTED_MEDIA_TYPE', 'MALFORMED_SIGNATURE'],
    ['REGISTRY_DENIED', 'REGISTRY_ERROR'],
    ['REGISTRY_UNAUTHORIZED', 'REGISTRY_ERROR'],
    ['BLOB_UNKNOWN', 'REGISTRY_ERROR'],
    ['REGISTRY_PROTOCOL_ERROR', 'REGISTRY_ERROR'],
  ] as const)('records a permanent %s as a %s problem naming the source', (code, expected) => {
    const problem = problemFromFailure(fail(code), DIGEST, 'signature layer');
    expect(problem).toEqual({
      code: expected,
      message: `signature layer: registry said ${code}`,
      source: DIGEST,
    });
  });

  it.each(['REGISTRY_UNAVAILABLE', 'REGISTRY_RATE_LIMITED', 'REGISTRY_TIMEOUT'] as const)(
    'rethrows a temporary %s: the answer is unknown, not "unsigned"',
    (code) => {
      const error = fail(code, true);
      expect(() => problemFromFailure(error, DIGEST, 'x')).toThrow(error);
    },
  );

  it('rethrows an abort, and anything after the caller aborted', () => {
    expect(() => problemFromFailure(fail('REGISTRY_ABORTED'), DIGEST, 'x')).toThrow('REGISTRY_ABORTED');
    const controller = new AbortController();
    controller.abort();
    expect(() => problemFromFailure(fail('DIGEST_MISMATCH'), DIGEST, 'x', controller.signal)).toThrow();
  });

  it('rethrows errors that are not registry or discovery errors, since they are bugs', () => {
    expect(() => problemFromFailure(new TypeError('oops'), DIGEST, 'x')).toThrow(TypeError);
  });

  it('keeps the code of a parser DiscoveryError', () => {
    const problem = problemFromFailure(new DiscoveryError('PAYLOAD_TOO_LARGE', 'big'), DIGEST, 'payload');
    expect(problem).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'payload: big', source: DIGEST });
  });
});

describe('isNotFound', () => {
  it.each(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN'] as const)('reads %s as not found', (code) => {
    expect(isNotFound(fail(code))).toBe(true);
  });

  it.each(['BLOB_UNKNOWN', 'REGISTRY_DENIED'] as const)('does not read %s as not found', (code) => {
    expect(isNotFound(fail(code))).toBe(false);
  });
});
