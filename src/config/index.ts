export { loadConfig, ConfigError } from './config.js';
export type { CacheConfig, Config, RegistryConfig, VerificationConfig } from './config.js';
