export { loadConfig, ConfigError, DEFAULT_HINT_SCAN_MAX_TAGS } from './config.js';
export type {
  CacheConfig,
  ClientTimeoutsConfig,
  Config,
  RegistryConfig,
  VerificationConfig,
} from './config.js';
