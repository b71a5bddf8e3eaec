import { describe, expect, it } from 'vitest';
import { ImprimaturError } from '../errors/index.js';
import { ErrorCode } from '../graphql/index.js';
import { ReferenceError } from '../reference/index.js';
import { RegistryError } from '../registry/index.js';
import { PolicyError } from '../verification/index.js';
import { problemFor } from './error-mapping.js';

describe('problemFor', () => {
  it('maps an unparseable reference to 400 naming the field the reference came from', () => {
    const error = new ReferenceError('repository name must be lowercase', 'UPPER');
    expect(problemFor(error)).toMatchObject({
      status: 400,
      code: 'INVALID_REFERENCE',
      invalidParams: [{ name: 'image' }],
    });
    expect(problemFor(error, 'ref')?.invalidParams?.[0]?.name).toBe('ref');
  });

  it('names the policy field an INVALID_POLICY message starts with, else the policy as a whole', () => {
    expect(
      problemFor(new PolicyError('certificateIdentityRegexp is not a valid RE2 regexp: x'))?.invalidParams,
    ).toEqual([
      {
        name: 'policy.certificateIdentityRegexp',
        reason: 'certificateIdentityRegexp is not a valid RE2 regexp: x',
      },
    ]);
    expect(
      problemFor(new PolicyError('repo: invalid value provided for repo: x (expected owner/name)'))
        ?.invalidParams?.[0]?.name,
    ).toBe('policy.repo');
    expect(
      problemFor(new PolicyError('sourceRepositoryRefRegexp is not a valid RE2 regular expression'))
        ?.invalidParams?.[0]?.name,
    ).toBe('policy.sourceRepositoryRefRegexp');
    // "keyless …" starts with "key" but is not about the key field.
    expect(
      problemFor(new PolicyError('keyless verification requires certificateIdentity …'))?.invalidParams?.[0]
        ?.name,
    ).toBe('policy');
  });

  it('maps a missing manifest to 404 and keeps the registry’s distribution-spec codes', () => {
    const error = new RegistryError('MANIFEST_UNKNOWN', 'manifest unknown', {
      status: 404,
      registryCodes: ['MANIFEST_UNKNOWN'],
    });
    expect(problemFor(error)).toMatchObject({
      status: 404,
      code: 'MANIFEST_UNKNOWN',
      registryCodes: ['MANIFEST_UNKNOWN'],
    });
  });

  it('maps registry trouble to 502 with retryable, and a timeout to 504', () => {
    const unavailable = new RegistryError('REGISTRY_UNAVAILABLE', 'registry answered 503', {
      status: 503,
      registryCodes: ['UNAVAILABLE'],
      temporary: true,
    });
    expect(problemFor(unavailable)).toMatchObject({
      status: 502,
      retryable: true,
      registryCodes: ['UNAVAILABLE'],
    });
    expect(problemFor(new RegistryError('REGISTRY_DENIED', 'denied', { status: 403 }))).toMatchObject({
      status: 502,
      retryable: false,
    });
    expect(problemFor(new RegistryError('REGISTRY_TIMEOUT', 'timed out', { temporary: true }))?.status).toBe(
      504,
    );
  });

  it('maps an aborted registry request to 504, named as GraphQL names it: deadline or caller gone', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(
      problemFor(new RegistryError('REGISTRY_ABORTED', 'request aborted', { cause: timeout })),
    ).toMatchObject({
      status: 504,
      code: 'REQUEST_DEADLINE_EXCEEDED',
    });
    const gone = new DOMException('This operation was aborted', 'AbortError');
    expect(problemFor(new RegistryError('REGISTRY_ABORTED', 'request aborted', { cause: gone }))?.code).toBe(
      'REQUEST_ABORTED',
    );
  });

  it('maps a registry host the outbound policy refuses to 403 REGISTRY_FORBIDDEN', () => {
    expect(
      problemFor(new RegistryError('REGISTRY_FORBIDDEN', '10.0.0.1 is not a public address')),
    ).toMatchObject({
      status: 403,
      code: 'REGISTRY_FORBIDDEN',
    });
  });

  it('leaves internal and unexpected errors unmapped, so they become a generic 500', () => {
    expect(
      problemFor(new RegistryError('AUTH_CONFIG_INVALID', 'bad /root/.docker/config.json')),
    ).toBeUndefined();
    expect(problemFor(new TypeError('x is undefined'))).toBeUndefined();
  });

  /**
   * GraphQL codes that never reach REST as a thrown error: GraphQL's own request checks, query
   * limits and list caps (REST takes no query and one image), answers the HTTP layer gives before
   * routing, and the two names REST derives from REGISTRY_ABORTED itself.
   */
  const NOT_THROWN_BELOW_REST = new Set<string>([
    'TOO_MANY_REFERENCES',
    'QUERY_TOO_DEEP',
    'TOO_MANY_ALIASES',
    'QUERY_TOO_COMPLEX',
    'TOO_MANY_TOKENS',
    'GRAPHQL_PARSE_FAILED',
    'GRAPHQL_VALIDATION_FAILED',
    'BAD_USER_INPUT',
    'BAD_REQUEST',
    'INTERNAL_SERVER_ERROR',
    'PAYLOAD_TOO_LARGE',
    'REQUEST_TIMEOUT',
    'UNAUTHENTICATED',
    'NOT_FOUND',
    'METHOD_NOT_ALLOWED',
    'SERVICE_UNAVAILABLE',
    'REQUEST_ABORTED',
    'REQUEST_DEADLINE_EXCEEDED',
  ]);

  // A code GraphQL shows callers must not be a generic 500 on the REST edge: adding one to
  // ErrorCode without a REST mapping fails here.
  it.each(Object.values(ErrorCode).filter((code) => !NOT_THROWN_BELOW_REST.has(code)))(
    'has an HTTP answer for %s, as GraphQL has a public code for it',
    (code) => {
      const problem = problemFor(new ImprimaturError(code, 'x'));
      expect(problem?.code).toBe(code);
      expect(problem?.status).not.toBe(500);
    },
  );
});
