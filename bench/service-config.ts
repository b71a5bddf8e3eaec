import type { Config } from '../src/config/index.js';

/** Where a bench service finds the world: the proxy it must reach, and the root it must trust. */
export interface ServiceWorld {
  readonly proxyHost: string;
  readonly trustedRootPath: string;
}

/**
 * The configuration of every bench service: the production defaults `defaults` (from `loadConfig`
 * of the tree being run), pointed at the world's proxy and trusting the world's private Sigstore.
 * Registry timeouts and retries stay the defaults (the test helper shortens them, which would turn a
 * slow registry under a stampede into failures production would not have). Logging is silent:
 * writing logs is not what is measured. Also used by service-child.ts, with another tree's defaults:
 * so this module imports nothing at run time (a child running another checkout must load that
 * checkout's `src/`, not this one's).
 */
export function benchConfig(defaults: Config, world: ServiceWorld): Config {
  return {
    ...defaults,
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    registry: {
      ...defaults.registry,
      authFile: '/nonexistent/imprimatur-bench/config.json',
      insecureRegistries: [world.proxyHost],
    },
    verification: { ...defaults.verification, trustedRootPath: world.trustedRootPath },
  };
}
