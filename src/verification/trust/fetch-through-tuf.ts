import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Updater } from 'tuf-js';

/** The TUF target that holds a Sigstore instance's trust material (as cosign and sigstore-js name it). */
export const TRUSTED_ROOT_TARGET = 'trusted_root.json';

/** Larger than any real `trusted_root.json` (public-good's is ~7 KiB); TUF's own length check also applies. */
const MAX_TRUSTED_ROOT_BYTES = 1024 * 1024;

export interface TufFetchOptions {
  /** Base URL of the repository. */
  readonly mirror: string;
  /** This repository's own folder: TUF metadata, and `targets/` below it. */
  readonly cacheDir: string;
  /** `root.json` to trust when the folder holds none yet (a newer one, once verified, is kept there). */
  readonly initialRoot: Buffer;
  /** Longest wait for one HTTP request to the mirror. */
  readonly timeoutMs: number;
}

/** A `trusted_root.json` that TUF verified, and what the metadata that vouched for it says. */
export interface TufFetchResult {
  /** The target's bytes: hash and length checked against signed targets metadata. */
  readonly bytes: Buffer;
  /** Version of the root metadata (key rotations) and of the targets metadata that lists the file. */
  readonly rootVersion: number;
  readonly targetsVersion: number;
  /**
   * Earliest expiry of root, timestamp, snapshot and targets metadata: past it, the trust that
   * vouched for this file can no longer be renewed without asking the mirror again.
   */
  readonly expires: Date;
}

interface SignedHeader {
  readonly version: number;
  readonly expires: string;
}

/** `signed.version` and `signed.expires` of a metadata file tuf-js has just verified and written. */
function header(dir: string, role: string): SignedHeader {
  const parsed = JSON.parse(readFileSync(join(dir, `${role}.json`), 'utf8')) as {
    signed?: Partial<SignedHeader>;
  };
  const { version, expires } = parsed.signed ?? {};
  if (typeof version !== 'number' || typeof expires !== 'string') {
    throw new Error(`${role}.json has no version or expiry`);
  }
  return { version, expires };
}

/**
 * One TUF client update (spec §5.3–5.7, done by tuf-js): newer root versions in order, each signed by
 * the previous one's threshold and its own, then timestamp, snapshot and targets with their version,
 * expiry and hash checks, then `trusted_root.json` by the length and hashes targets lists. Every
 * rejection throws: a frozen, rolled-back, expired or tampered repository never yields a file. The
 * verified metadata persists in `cacheDir`, so rollback protection survives restarts.
 */
export async function fetchTrustedRootThroughTuf(options: TufFetchOptions): Promise<TufFetchResult> {
  const targetDir = join(options.cacheDir, 'targets');
  mkdirSync(targetDir, { recursive: true });
  const rootPath = join(options.cacheDir, 'root.json');
  // Seeded once: after that the folder holds the newest root verified so far, which must win over
  // the (older) initial one, or a restart would trust keys the repository has since revoked.
  if (!existsSync(rootPath)) writeFileSync(rootPath, options.initialRoot);
  const updater = new Updater({
    metadataBaseUrl: options.mirror,
    targetBaseUrl: `${options.mirror}/targets`,
    metadataDir: options.cacheDir,
    targetDir,
    config: {
      fetchTimeout: options.timeoutMs,
      // The refresh schedule retries; a retry inside one refresh would only stretch an outage's delay.
      fetchRetry: 0,
      userAgent: 'imprimatur',
    },
  });
  await updater.refresh();
  const target = await updater.getTargetInfo(TRUSTED_ROOT_TARGET);
  if (target === undefined) {
    throw new Error(`the repository lists no ${TRUSTED_ROOT_TARGET} target`);
  }
  if (target.length > MAX_TRUSTED_ROOT_BYTES) {
    throw new Error(`${TRUSTED_ROOT_TARGET} is ${target.length} bytes, more than ${MAX_TRUSTED_ROOT_BYTES}`);
  }
  const path = (await updater.findCachedTarget(target)) ?? (await updater.downloadTarget(target));
  const bytes = readFileSync(path);
  // findCachedTarget/downloadTarget checked these bytes; read again, they are checked again, so a
  // file changed on disk in between cannot slip through.
  await target.verify(Readable.from([bytes]));
  const roles = ['root', 'timestamp', 'snapshot', 'targets'].map((role) => header(options.cacheDir, role));
  const expires = new Date(Math.min(...roles.map((r) => Date.parse(r.expires))));
  return { bytes, rootVersion: roles[0]!.version, targetsVersion: roles[3]!.version, expires };
}
