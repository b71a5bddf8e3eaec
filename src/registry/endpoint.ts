import { RegistryError } from './errors.js';

/**
 * Where requests for a registry go. The reference layer hands us normalised registry names
 * (`index.docker.io`, `ghcr.io`, `127.0.0.1:5000`); this file turns them into base URLs and
 * refuses names that could smuggle a path, userinfo or a different scheme into the URL.
 */
export interface Endpoint {
  /** The registry as named by the caller, lower-cased (`index.docker.io`). Used for credentials and cache keys. */
  readonly registry: string;
  /** `https://registry-1.docker.io` or, for insecure registries only, `http://host:port`. */
  readonly baseUrl: URL;
}

/** Docker Hub's names in references, and the host its registry API actually answers on. */
const DOCKER_HUB_NAMES = new Set(['index.docker.io', 'docker.io']);
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

// host[:port]: DNS name or IPv4, or a bracketed IPv6 literal. Nothing else may reach the URL.
const HOST_PATTERN =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;
// distribution's repository name grammar: lowercase path components separated by `/`.
const REPOSITORY_PATTERN =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function invalidRequest(message: string): RegistryError {
  return new RegistryError('INVALID_REQUEST', message);
}

/**
 * True when `host` (`host:port` as written) was configured as insecure. The comparison is exact and
 * case-insensitive, like Docker's `insecure-registries`: `127.0.0.1:5000` does not cover port 5001.
 */
export function isInsecureHost(host: string, insecureRegistries: readonly string[]): boolean {
  const wanted = host.toLowerCase();
  return insecureRegistries.some((entry) => entry.trim().toLowerCase() === wanted);
}

export function resolveEndpoint(registry: string, insecureRegistries: readonly string[]): Endpoint {
  const name = registry.trim().toLowerCase();
  if (!HOST_PATTERN.test(name))
    throw invalidRequest(`"${registry.slice(0, 100)}" is not a valid registry host`);
  const apiHost = DOCKER_HUB_NAMES.has(name) ? DOCKER_HUB_API_HOST : name;
  // Plain HTTP only when asked for by name: anyone on the path can rewrite an HTTP answer, and tags
  // (unlike digests) cannot be checked against anything.
  const scheme = isInsecureHost(name, insecureRegistries) ? 'http' : 'https';
  return { registry: name, baseUrl: new URL(`${scheme}://${apiHost}`) };
}

export function validateRepository(repository: string): string {
  if (repository.length > 255 || !REPOSITORY_PATTERN.test(repository)) {
    throw invalidRequest(`"${repository.slice(0, 100)}" is not a valid repository name`);
  }
  return repository;
}

export function validateTag(tag: string): string {
  if (!TAG_PATTERN.test(tag)) throw invalidRequest(`"${tag.slice(0, 100)}" is not a valid tag`);
  return tag;
}

/** `/v2/<repository>/<rest>` on the endpoint. Components were validated, so nothing needs escaping. */
export function apiUrl(endpoint: Endpoint, repository: string, rest: string): URL {
  return new URL(`/v2/${repository}/${rest}`, endpoint.baseUrl);
}
