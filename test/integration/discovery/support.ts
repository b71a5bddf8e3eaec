import { loadConfig } from '../../../src/config/index.js';
import {
  createRegistryClient,
  type RegistryClient,
  type RepositoryRef,
} from '../../../src/registry/index.js';
import type { TestRegistry } from '../../support/registry/index.js';

/** cosign's cap and the service default payload cap, as production passes them. */
export const LIMITS = { maxSignatures: 1000, maxPayloadBytes: 1024 * 1024 };

/** The real client against the test registry: plain HTTP allowed for it only, no retries (tests stay fast). */
export function clientFor(registry: TestRegistry): RegistryClient {
  const config = loadConfig({
    IMPRIMATUR_INSECURE_REGISTRIES: registry.host,
    IMPRIMATUR_REGISTRY_MAX_RETRIES: '0',
    IMPRIMATUR_REGISTRY_TIMEOUT_MS: '5000',
    IMPRIMATUR_REGISTRY_AUTH_FILE: '/nonexistent/imprimatur-test/config.json',
  });
  return createRegistryClient(config.registry);
}

export function repoRef(registry: TestRegistry, repository: string): RepositoryRef {
  return { registry: registry.host, repository };
}
