export { loadConfig, ConfigError, DEFAULT_HINT_SCAN_MAX_TAGS, DEFAULT_REGISTRY_LIMITS } from './config.js';
export type {
  CacheConfig,
  ClientTimeoutsConfig,
  Config,
  RegistryConfig,
  VerificationConfig,
} from './config.js';
export {
  GITHUB_TUF_MIRROR,
  PUBLIC_GOOD_ROOT_NAME,
  PUBLIC_GOOD_TUF_MIRROR,
  type TrustRootConfig,
  type TrustRootsConfig,
} from './trust-roots-config.js';
