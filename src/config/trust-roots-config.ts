import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ImprimaturError } from '../errors/index.js';

/** Sigstore's public-good TUF repository, the one cosign, sigstore-js and sigstore-go default to. */
export const PUBLIC_GOOD_TUF_MIRROR = 'https://tuf-repo-cdn.sigstore.dev';
/** GitHub's TUF repository, the one `gh attestation verify` uses for GitHub's own Fulcio and TSA. */
export const GITHUB_TUF_MIRROR = 'https://tuf-repo.github.com';
/** Name of the root policies get when they name none, as long as it is Sigstore's public-good root. */
export const PUBLIC_GOOD_ROOT_NAME = 'public-good';

/** Where one named trust root comes from and how it stays current. See docs/trust-roots.md. */
export interface TrustRootConfig {
  /** What policies (`trustRoot`) and verdicts call it. */
  readonly name: string;
  /**
   * Refresh through this TUF repository: `trusted_root.json` is a target of it. Absent: the root is
   * the floor and never changes while the process runs.
   */
  readonly tuf?: {
    /** Base URL of the repository (`cosign initialize --mirror`). */
    readonly mirror: string;
    /**
     * The TUF `root.json` trusted first (`cosign initialize --root`). Absent: the one this service
     * ships for the mirror (Sigstore public-good, GitHub); any other mirror needs one.
     */
    readonly initialRootPath?: string;
  };
  /**
   * What is trusted before TUF has answered (and for good when `tuf` is absent): the embedded
   * public-good root, a `trusted_root.json` file, or nothing — then the root is unavailable until
   * its first refresh succeeds (policies naming it fail with TRUST_ROOT_UNAVAILABLE meanwhile).
   */
  readonly floor:
    { readonly kind: 'embedded' } | { readonly kind: 'file'; readonly path: string } | undefined;
}

/** Every trust root the service knows and how refreshes run. */
export interface TrustRootsConfig {
  /** The first one is the default root: policies that name none are verified against it alone. */
  readonly roots: readonly TrustRootConfig[];
  /** `IMPRIMATUR_TUF_CACHE_DIR`: TUF metadata and targets on disk, one folder per root. */
  readonly cacheDir: string;
  /** `IMPRIMATUR_TUF_REFRESH_SECONDS`: longest time between two refreshes of a TUF root. Default 3600. */
  readonly refreshIntervalSeconds: number;
  /** `IMPRIMATUR_TUF_TIMEOUT_MS`: longest wait for one request to a TUF mirror. Default 30000. */
  readonly fetchTimeoutMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Wrapped into `ConfigError` by `loadConfig`. */
export class TrustRootsConfigError extends ImprimaturError<'INVALID_CONFIG'> {
  constructor(message: string) {
    super('INVALID_CONFIG', message);
  }
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/**
 * A mirror URL: HTTPS, or plain HTTP to a loopback address only (a local mirror or a test). TUF
 * protects the content either way, but over plain HTTP anyone on the path can freeze it.
 */
function mirrorUrl(raw: string, where: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TrustRootsConfigError(`${where}: "${raw}" is not a URL`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new TrustRootsConfigError(`${where}: a TUF mirror must be https:// (plain http only on loopback)`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new TrustRootsConfigError(`${where}: a TUF mirror URL takes no credentials, query or fragment`);
  }
  return url.href.replace(/\/+$/, '');
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TrustRootsConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

/** The default root from IMPRIMATUR_TRUST_ROOT_SOURCE, IMPRIMATUR_TRUSTED_ROOT and IMPRIMATUR_TUF_*. */
function defaultRoot(env: Env): TrustRootConfig {
  const file = env.IMPRIMATUR_TRUSTED_ROOT?.trim() || undefined;
  const source =
    env.IMPRIMATUR_TRUST_ROOT_SOURCE?.trim().toLowerCase() || (file === undefined ? 'tuf' : 'file');
  const initialRootPath = env.IMPRIMATUR_TUF_ROOT?.trim() || undefined;
  const mirror = mirrorUrl(
    env.IMPRIMATUR_TUF_MIRROR?.trim() || PUBLIC_GOOD_TUF_MIRROR,
    'IMPRIMATUR_TUF_MIRROR',
  );
  switch (source) {
    case 'embedded':
      if (file !== undefined) {
        throw new TrustRootsConfigError(
          'IMPRIMATUR_TRUST_ROOT_SOURCE=embedded ignores IMPRIMATUR_TRUSTED_ROOT: unset one of them',
        );
      }
      return { name: PUBLIC_GOOD_ROOT_NAME, floor: { kind: 'embedded' } };
    case 'file':
      if (file === undefined) {
        throw new TrustRootsConfigError('IMPRIMATUR_TRUST_ROOT_SOURCE=file needs IMPRIMATUR_TRUSTED_ROOT');
      }
      return { name: 'default', floor: { kind: 'file', path: file } };
    case 'tuf': {
      const publicGood = mirror === PUBLIC_GOOD_TUF_MIRROR;
      if (!publicGood && initialRootPath === undefined) {
        throw new TrustRootsConfigError(
          'IMPRIMATUR_TUF_MIRROR other than Sigstore public-good needs IMPRIMATUR_TUF_ROOT (its initial root.json)',
        );
      }
      return {
        // A private mirror (or a private floor) is not Sigstore's public-good instance: the name must not say so.
        name: publicGood && file === undefined ? PUBLIC_GOOD_ROOT_NAME : 'default',
        tuf: { mirror, ...(initialRootPath === undefined ? {} : { initialRootPath }) },
        // The embedded root is only a floor for the repository it came from.
        floor:
          file !== undefined ? { kind: 'file', path: file } : publicGood ? { kind: 'embedded' } : undefined,
      };
    }
    default:
      throw new TrustRootsConfigError(
        `IMPRIMATUR_TRUST_ROOT_SOURCE must be embedded, tuf or file, got "${env.IMPRIMATUR_TRUST_ROOT_SOURCE}"`,
      );
  }
}

/** One entry of the IMPRIMATUR_TRUST_ROOTS_FILE document (untrusted shape: checked field by field). */
function namedRoot(entry: unknown, where: string): TrustRootConfig {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new TrustRootsConfigError(`${where} must be an object`);
  }
  const { name, mirror, root, trustedRoot, ...rest } = entry as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new TrustRootsConfigError(
      `${where}: unknown field(s) ${unknown.join(', ')} (known: name, mirror, root, trustedRoot)`,
    );
  }
  const text = (value: unknown, field: string): string | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      throw new TrustRootsConfigError(`${where}.${field} must be a non-empty string`);
    }
    return value.trim();
  };
  const rootName = text(name, 'name');
  if (rootName === undefined || !NAME.test(rootName)) {
    throw new TrustRootsConfigError(`${where}.name must match ${NAME.source}`);
  }
  const mirrorText = text(mirror, 'mirror');
  const initialRootPath = text(root, 'root');
  const floorPath = text(trustedRoot, 'trustedRoot');
  if (mirrorText === undefined) {
    if (floorPath === undefined) {
      throw new TrustRootsConfigError(`${where} (${rootName}) needs a mirror, a trustedRoot file, or both`);
    }
    if (initialRootPath !== undefined) {
      throw new TrustRootsConfigError(`${where} (${rootName}): root (a TUF root.json) needs a mirror`);
    }
    return { name: rootName, floor: { kind: 'file', path: floorPath } };
  }
  const url = mirrorUrl(mirrorText, `${where}.mirror`);
  if (initialRootPath === undefined && url !== PUBLIC_GOOD_TUF_MIRROR && url !== GITHUB_TUF_MIRROR) {
    throw new TrustRootsConfigError(
      `${where} (${rootName}): mirror ${url} needs root (its initial root.json)`,
    );
  }
  return {
    name: rootName,
    tuf: { mirror: url, ...(initialRootPath === undefined ? {} : { initialRootPath }) },
    floor:
      floorPath !== undefined
        ? { kind: 'file', path: floorPath }
        : url === PUBLIC_GOOD_TUF_MIRROR
          ? { kind: 'embedded' }
          : undefined,
  };
}

/** The extra named roots of IMPRIMATUR_TRUST_ROOTS_FILE: `{"roots": [{name, mirror?, root?, trustedRoot?}]}`. */
function namedRoots(env: Env): TrustRootConfig[] {
  const path = env.IMPRIMATUR_TRUST_ROOTS_FILE?.trim();
  if (path === undefined || path === '') return [];
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TrustRootsConfigError(
      `IMPRIMATUR_TRUST_ROOTS_FILE ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const roots = (document as { roots?: unknown } | null)?.roots;
  if (!Array.isArray(roots) || roots.length > 32) {
    throw new TrustRootsConfigError(
      `IMPRIMATUR_TRUST_ROOTS_FILE ${path}: "roots" must be a list of at most 32`,
    );
  }
  return roots.map((entry, i) => namedRoot(entry, `IMPRIMATUR_TRUST_ROOTS_FILE roots[${i}]`));
}

/** Reads every trust-root setting; throws a config error naming the offending variable or entry. */
export function loadTrustRootsConfig(env: Env): TrustRootsConfig {
  const roots = [defaultRoot(env), ...namedRoots(env)];
  const seen = new Set<string>();
  for (const root of roots) {
    if (seen.has(root.name)) throw new TrustRootsConfigError(`trust root name "${root.name}" is used twice`);
    seen.add(root.name);
  }
  return {
    roots,
    cacheDir: env.IMPRIMATUR_TUF_CACHE_DIR?.trim() || join(homedir(), '.cache', 'imprimatur', 'tuf'),
    refreshIntervalSeconds: integer(env, 'IMPRIMATUR_TUF_REFRESH_SECONDS', 3600, 10, 7 * 86_400),
    fetchTimeoutMs: integer(env, 'IMPRIMATUR_TUF_TIMEOUT_MS', 30_000, 100, 600_000),
  };
}
