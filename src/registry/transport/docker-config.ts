import { readFile } from 'node:fs/promises';
import { heldSecrets } from '../../security/index.js';
import { RegistryError } from '../errors.js';

/**
 * Registry credentials from a Docker `config.json` (`{"auths": {"<host>": {"auth": base64(user:pass)}}}`
 * or `username`/`password` fields). Credential helpers (`credsStore`, `credHelpers`) are not run: this
 * service never executes programs named by a config file.
 */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** Credentials per normalised registry host. */
export type CredentialStore = ReadonlyMap<string, Credentials>;

/** The key Docker writes for Docker Hub, a leftover of the v1 API. */
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_ALIASES = ['index.docker.io', 'docker.io', 'registry-1.docker.io'];

const MAX_CONFIG_BYTES = 1024 * 1024;

function configError(path: string, reason: string, cause?: unknown): RegistryError {
  // The message names the file and the problem, never its content: it holds secrets.
  return new RegistryError('AUTH_CONFIG_INVALID', `registry auth file ${path}: ${reason}`, { cause });
}

/** `https://index.docker.io/v1/` → `index.docker.io`; `Registry.Example:5000/` → `registry.example:5000`. */
export function normalizeConfigKey(key: string): string {
  const withoutScheme = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return (withoutScheme.split('/', 1)[0] ?? '').toLowerCase();
}

/** The host a config entry must be filed under for `registry`; Docker Hub has several names. */
export function credentialHosts(registry: string): string[] {
  const host = registry.toLowerCase();
  return DOCKER_HUB_ALIASES.includes(host) ? DOCKER_HUB_ALIASES : [host];
}

function decodeEntry(entry: unknown): Credentials | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const record = entry as Record<string, unknown>;
  if (typeof record.auth === 'string' && record.auth !== '') {
    const decoded = Buffer.from(record.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return undefined;
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof record.username === 'string' && typeof record.password === 'string' && record.username !== '') {
    return { username: record.username, password: record.password };
  }
  return undefined;
}

/** Parses config.json text. Throws `AUTH_CONFIG_INVALID` (naming only the path) when malformed. */
export function parseDockerConfig(text: string, path: string): CredentialStore {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // No cause attached: V8's SyntaxError quotes the text around the error, which may be a password.
    throw configError(path, 'not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw configError(path, 'must be a JSON object');
  }
  const auths = (parsed as Record<string, unknown>).auths;
  const store = new Map<string, Credentials>();
  if (auths === undefined) return store;
  if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) {
    throw configError(path, '"auths" must be an object');
  }
  for (const [key, entry] of Object.entries(auths)) {
    const credentials = decodeEntry(entry);
    if (credentials === undefined) continue; // e.g. an entry served by a credential helper
    const host = normalizeConfigKey(key);
    // An exact Docker Hub key wins over aliases written by other tools.
    if (!store.has(host) || key === DOCKER_HUB_CONFIG_KEY) store.set(host, credentials);
  }
  return store;
}

/** Credentials for `registry`, or undefined (anonymous). */
export function lookupCredentials(store: CredentialStore, registry: string): Credentials | undefined {
  for (const host of credentialHosts(registry)) {
    const found = store.get(host);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Reads the auth file. A missing file means "no credentials" (the usual case in a container); an
 * unreadable or malformed one is an error, because silently going anonymous would hide a broken mount.
 */
export async function loadDockerConfig(path: string): Promise<CredentialStore> {
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_CONFIG_BYTES) throw configError(path, 'larger than 1 MiB');
    text = bytes.toString('utf8');
  } catch (cause) {
    if (cause instanceof RegistryError) throw cause;
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw configError(path, `cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, cause);
  }
  const store = parseDockerConfig(text, path);
  // From now on these passwords are ours to keep out of answers, logs and labels, in every form.
  for (const { username, password } of store.values()) heldSecrets.holdCredentials(username, password);
  return store;
}
