import { createClient } from '@keyv/redis';
import { createCache, type Cache } from '../../../src/cache/index.js';
import { serialize } from '../../../src/cache/serializer.js';
import { loadConfig, type CacheConfig } from '../../../src/config/index.js';
import { createRegistryClient } from '../../../src/registry/index.js';
import type { RegistryClient } from '../../../src/registry/types.js';
import { startTestRegistry, type TestRegistry } from '../../support/registry/index.js';
import { startCountingProxy, type CountingProxy } from '../graph/counting-proxy.js';

/** The service's cache defaults, with what a test overrides. */
export function cacheConfig(overrides: Partial<CacheConfig> = {}): CacheConfig {
  return { ...loadConfig({}).cache, ...overrides };
}

/** The real registry client, reaching the registry through the counting proxy, with fast test retries. */
export function realRegistryClient(proxy: CountingProxy): RegistryClient {
  return createRegistryClient({
    ...loadConfig({}).registry,
    authFile: '/nonexistent/imprimatur-test/config.json',
    insecureRegistries: [proxy.host],
    requestTimeoutMs: 5_000,
    maxRetries: 0,
    retryBaseDelayMs: 10,
  });
}

/** A real registry, the counting proxy in front of it, and the real client that reaches it through the proxy. */
export interface CountedRegistry {
  readonly registry: TestRegistry;
  readonly proxy: CountingProxy;
  readonly upstream: RegistryClient;
}

/** Starts a registry and its counting proxy; the caller stops both (the proxy first). */
export async function startCountedRegistry(): Promise<CountedRegistry> {
  const registry = await startTestRegistry();
  try {
    const proxy = await startCountingProxy(registry.url);
    return { registry, proxy, upstream: realRegistryClient(proxy) };
  } catch (error) {
    await registry.stop();
    throw error;
  }
}

/** A cache as the server builds it, with a short Redis retry window so outages and recoveries are quick to test. */
export function testCache(config: CacheConfig, redisRetryAfterMs = 100): Cache {
  return createCache(config, { maxManifestBytes: 4 * 1024 * 1024, redisRetryAfterMs });
}

/**
 * One series of the service's `/metrics` right now: `series` is everything before the value, e.g.
 * `imprimatur_cache_healthy` or `imprimatur_graphql_response_cache_total{outcome="hit"}`. Undefined
 * when the series has not been written yet.
 */
export async function metricSample(serviceUrl: string, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Waits until `condition` holds (polling), or fails after `timeoutMs`. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Direct access to the Redis the cache uses, as an attacker (or a bug elsewhere) with write access
 * would have: keys and values are written in the cache's own format, so only the cache's checks
 * stand between them and a request.
 */
export async function rawRedis(url: string) {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  return {
    keys: (pattern: string) => client.keys(pattern),
    async write(key: string, value: unknown): Promise<void> {
      await client.set(key, serialize({ value, expires: null }));
    },
    async writeText(key: string, text: string): Promise<void> {
      await client.set(key, text);
    },
    close: () => client.close(),
  };
}
