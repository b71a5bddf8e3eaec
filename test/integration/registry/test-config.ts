import type { RegistryConfig } from '../../../src/config/index.js';

/** A registry config for tests: plain HTTP to the given loopback hosts, fast retries, no auth file. */
export function testRegistryConfig(
  overrides: Partial<RegistryConfig> & { insecureRegistries: string[] },
): RegistryConfig {
  return {
    authFile: '/nonexistent/imprimatur-test/config.json',
    requestTimeoutMs: 5_000,
    maxRetries: 3,
    retryBaseDelayMs: 10,
    maxRetryAfterMs: 2_000,
    maxManifestBytes: 4 * 1024 * 1024,
    maxSignatureBytes: 1024 * 1024,
    maxAttestationBytes: 16 * 1024 * 1024,
    ...overrides,
  };
}
