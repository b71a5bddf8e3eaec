import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ReferenceError } from '../reference/index.js';
import { RegistryError } from '../registry/index.js';
import { createFormatError, ErrorCode, GENERIC_MESSAGE, type ErrorLogger } from './errors.js';

function recordingLogger(): ErrorLogger & { logged: unknown[] } {
  const logged: unknown[] = [];
  return { logged, error: (details) => void logged.push(details.err) };
}

/** What graphql-js hands Apollo for an error thrown in a resolver at `path`. */
function resolverError(thrown: Error, path: (string | number)[] = ['image', 'digest']): GraphQLError {
  return new GraphQLError(thrown.message, { path, originalError: thrown });
}

const formattedAt = (path: (string | number)[]) => ({
  message: 'whatever graphql-js said',
  path,
  locations: [{ line: 1, column: 3 }],
  extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['Error: x', '    at secret.ts:1'] },
});

describe('formatError', () => {
  describe('when a resolver throws an error with a public code', () => {
    it('keeps its message and code, and nothing else', () => {
      const logger = recordingLogger();
      const thrown = new ReferenceError('repository name must be lowercase', 'Alpine');
      const out = createFormatError(logger)(formattedAt(['image']), resolverError(thrown, ['image']));
      expect(out).toEqual({
        message: 'repository name must be lowercase: "Alpine"',
        path: ['image'],
        locations: [{ line: 1, column: 3 }],
        extensions: { code: ErrorCode.INVALID_REFERENCE },
      });
      expect(logger.logged).toEqual([]);
    });

    it('says whether a registry failure is worth retrying, and drops its cause', () => {
      const thrown = new RegistryError('REGISTRY_UNAVAILABLE', 'registry 127.0.0.1:9 is unreachable', {
        temporary: true,
        cause: new Error('connect ECONNREFUSED with internal detail'),
      });
      const out = createFormatError(recordingLogger())(
        formattedAt(['image', 'digest']),
        resolverError(thrown),
      );
      expect(out.extensions).toEqual({ code: ErrorCode.REGISTRY_UNAVAILABLE, retryable: true });
      expect(JSON.stringify(out)).not.toContain('internal detail');
    });
  });

  describe('when an internal error code is not meant for callers', () => {
    it('renders INTERNAL_SERVER_ERROR with the generic message and logs the original', () => {
      const logger = recordingLogger();
      const thrown = new RegistryError('AUTH_CONFIG_INVALID', 'cannot parse /home/svc/.docker/config.json');
      const out = createFormatError(logger)(formattedAt(['image', 'digest']), resolverError(thrown));
      expect(out.message).toBe(GENERIC_MESSAGE);
      expect(out.extensions).toEqual({ code: ErrorCode.INTERNAL_SERVER_ERROR });
      expect(logger.logged).toEqual([thrown]);
    });
  });

  describe('when a resolver throws something unexpected', () => {
    it('renders the generic message without stack trace and logs it', () => {
      const logger = recordingLogger();
      const thrown = new TypeError('cannot read properties of undefined (token=abc)');
      const out = createFormatError(logger)(formattedAt(['image', 'digest']), resolverError(thrown));
      expect(out).toEqual({
        message: GENERIC_MESSAGE,
        path: ['image', 'digest'],
        locations: [{ line: 1, column: 3 }],
        extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
      });
      expect(logger.logged).toEqual([thrown]);
    });
  });

  describe('when the request itself is malformed', () => {
    it('passes a validation error through with its message, minus any stack trace', () => {
      const logger = recordingLogger();
      const error = new GraphQLError('Cannot query field "colour" on type "Image".');
      const formatted = {
        message: error.message,
        locations: [{ line: 1, column: 26 }],
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['GraphQLError: ...'] },
      };
      expect(createFormatError(logger)(formatted, error)).toEqual({
        message: error.message,
        locations: [{ line: 1, column: 26 }],
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
      expect(logger.logged).toEqual([]);
    });

    it('does not trust a request code on an error that has a path (it came from a resolver)', () => {
      const error = resolverError(new Error('looks like input trouble'));
      const formatted = {
        message: 'looks like input trouble',
        path: ['image'],
        extensions: { code: 'BAD_USER_INPUT' },
      };
      expect(createFormatError(recordingLogger())(formatted, error).extensions).toEqual({
        code: ErrorCode.INTERNAL_SERVER_ERROR,
      });
    });
  });
});
