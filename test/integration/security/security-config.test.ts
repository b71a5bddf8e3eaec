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
});
