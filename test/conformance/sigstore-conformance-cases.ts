import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFORMANCE_DIR } from '../support/paths.js';
import type { Policy } from '../../src/verification/index.js';

/** sigstore-conformance `bundle-verify` data (see its README.md and NOTICE.md under shared/conformance). */
export const BUNDLE_VERIFY_DIR = join(CONFORMANCE_DIR, 'sigstore-conformance/test/assets/bundle-verify');

const DEFAULT_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com';

export interface ConformanceCase {
  readonly name: string;
  /** Directory name ends in `_fail`. */
  readonly mustFail: boolean;
  readonly bundleText: string;
  readonly artifact: Buffer;
  /** Parsed custom trusted_root.json, or undefined for the public-good production root. */
  readonly trustedRoot: unknown;
  readonly policy: Policy;
}

const readIfPresent = (path: string): string | undefined =>
  existsSync(path) ? readFileSync(path, 'utf8') : undefined;

/** Reads every case directory, with the README's defaults for artifact, identity, issuer and root. */
export function loadConformanceCases(): ConformanceCase[] {
  return readdirSync(BUNDLE_VERIFY_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const dir = join(BUNDLE_VERIFY_DIR, entry.name);
      const artifactPath = existsSync(join(dir, 'artifact'))
        ? join(dir, 'artifact')
        : join(BUNDLE_VERIFY_DIR, 'a.txt');
      const key = readIfPresent(join(dir, 'key.pub'));
      const root = readIfPresent(join(dir, 'trusted_root.json'));
      const policy: Policy =
        key !== undefined
          ? { key }
          : {
              certificateIdentity: readIfPresent(join(dir, 'identity'))?.trim() ?? DEFAULT_IDENTITY,
              certificateOidcIssuer: readIfPresent(join(dir, 'issuer'))?.trim() ?? DEFAULT_ISSUER,
            };
      return {
        name: entry.name,
        mustFail: entry.name.endsWith('_fail'),
        bundleText: readFileSync(join(dir, 'bundle.sigstore.json'), 'utf8'),
        artifact: readFileSync(artifactPath),
        trustedRoot: root === undefined ? undefined : (JSON.parse(root) as unknown),
        policy,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
