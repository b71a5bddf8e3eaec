export { loadConfig, ConfigError } from './config.js';
export type { Config, RegistryConfig, VerificationConfig } from './config.js';
