import type { RegistryClient } from '../registry/types.js';
import { ImageService } from '../services/index.js';

/** What every resolver gets: services built for this one request (their loaders die with it). */
export interface GraphQLContext {
  readonly images: ImageService;
}

/** Long-lived dependencies the per-request context is built from. */
export interface ContextDependencies {
  readonly registry: RegistryClient;
  readonly maxConfigBytes: number;
}

/** Called once per HTTP request, never shared: DataLoader caches must not leak between callers. */
export function createContext(deps: ContextDependencies, signal?: AbortSignal): GraphQLContext {
  return {
    images: new ImageService({ registry: deps.registry, maxConfigBytes: deps.maxConfigBytes, signal }),
  };
}
