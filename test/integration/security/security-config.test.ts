import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';

/** The security variables as loadConfig reads them: safe defaults, typos stop start-up. */
describe('security configuration', () => {
  it('defaults to no allow-list, no caller tokens and a 60 s request deadline', () => {
    const config = loadConfig({});
    expect(config.registry.allowedRegistries).toEqual([]);
    expect(config.apiTokens).toEqual([]);
    expect(config.requestDeadlineMs).toBe(60_000);
  });

  it('reads allowed registries as a comma-separated list of host patterns', () => {
    const config = loadConfig({
      IMPRIMATUR_ALLOWED_REGISTRIES: 'ghcr.io, *.example.com,registry.local:5000',
    });
    expect(config.registry.allowedRegistries).toEqual(['ghcr.io', '*.example.com', 'registry.local:5000']);
  });

  it.each([
    ['IMPRIMATUR_ALLOWED_REGISTRIES', 'https://ghcr.io'],
    ['IMPRIMATUR_ALLOWED_REGISTRIES', 'ghcr.*'],
    ['IMPRIMATUR_INSECURE_REGISTRIES', 'localhost:5000/path'],
  ])('refuses %s=%j, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name}: `));
  });

  it('refuses a short caller token without printing it', () => {
    const attempt = () => loadConfig({ IMPRIMATUR_API_TOKENS: 'long-enough-token-0001,short-one' });
    expect(attempt).toThrow(/IMPRIMATUR_API_TOKENS: token #2 must be at least 16 characters/);
    expect(attempt).not.toThrow(/short-one/);
  });

  it('reads caller tokens and the deadline', () => {
    const config = loadConfig({
      IMPRIMATUR_API_TOKENS: 'long-enough-token-0001, long-enough-token-0002',
      IMPRIMATUR_REQUEST_DEADLINE_MS: '5000',
    });
    expect(config.apiTokens).toEqual(['long-enough-token-0001', 'long-enough-token-0002']);
    expect(config.requestDeadlineMs).toBe(5000);
  });

  it('defaults the client timeouts to 10 s headers, 30 s whole request, 5 s idle keep-alive', () => {
    expect(loadConfig({}).clientTimeouts).toEqual({
      headersMs: 10_000,
      requestMs: 30_000,
      keepAliveMs: 5_000,
    });
    expect(
      loadConfig({
        IMPRIMATUR_HTTP_HEADERS_TIMEOUT_MS: '1000',
        IMPRIMATUR_HTTP_REQUEST_TIMEOUT_MS: '2000',
        IMPRIMATUR_HTTP_KEEP_ALIVE_TIMEOUT_MS: '500',
      }).clientTimeouts,
    ).toEqual({ headersMs: 1000, requestMs: 2000, keepAliveMs: 500 });
  });

  it('refuses a headers timeout longer than the request timeout, and a keep-alive of 0 (Node: never)', () => {
    expect(() =>
      loadConfig({
        IMPRIMATUR_HTTP_HEADERS_TIMEOUT_MS: '20000',
        IMPRIMATUR_HTTP_REQUEST_TIMEOUT_MS: '10000',
      }),
    ).toThrow(
      /IMPRIMATUR_HTTP_HEADERS_TIMEOUT_MS \(20000\) must not exceed IMPRIMATUR_HTTP_REQUEST_TIMEOUT_MS/,
    );
    expect(() => loadConfig({ IMPRIMATUR_HTTP_KEEP_ALIVE_TIMEOUT_MS: '0' })).toThrow(
      /IMPRIMATUR_HTTP_KEEP_ALIVE_TIMEOUT_MS must be an integer between 100/,
    );
  });
});
