import { signBundle, type BundleSignatureArtifact, type SignBundleOptions } from './bundle.js';
import { createCtLog, type TestCtLog } from './ct-log.js';
import {
  createFulcio,
  type IssueCertificateOptions,
  type IssuedCertificate,
  type TestFulcio,
} from './fulcio.js';
import { signLegacy, type LegacySignatureArtifact, type SignLegacyOptions } from './legacy.js';
import { createTransparencyLog, type TestTransparencyLog } from './transparency-log.js';
import { buildTrustedRoot, writeTrustedRootFile, type TrustedRootJson } from './trusted-root.js';

/**
 * A complete private Sigstore instance for tests: Fulcio-like CA, Rekor-like log, CT log, plus a
 * second log that is deliberately *not* trusted. Keys are generated once per instance (a few
 * milliseconds); create one per test file.
 */
export interface TestSigstoreOptions {
  /** Start of every validity window in the trusted root (CA, logs). Default: one year ago. */
  readonly validFrom?: Date;
}

export interface TestSigstore {
  readonly fulcio: TestFulcio;
  readonly rekor: TestTransparencyLog;
  /** A log with its own key, absent from `trustedRoot`: entries from it must not count. */
  readonly otherRekor: TestTransparencyLog;
  readonly ctLog: TestCtLog;
  /** `trusted_root.json` content trusting exactly fulcio, rekor and ctLog. */
  readonly trustedRoot: TrustedRootJson;
  /** Another trusted root over the same parts, e.g. with every window closed at `validUntil`. */
  trustedRootWith(options: {
    readonly validUntil?: Date;
    readonly includeOtherLog?: boolean;
  }): TrustedRootJson;
  /** Writes `trusted_root.json` into `dir`; returns the file path. */
  writeTrustedRoot(dir: string): Promise<string>;
  issueCertificate(options: IssueCertificateOptions): IssuedCertificate;
  signLegacy(options: SignLegacyOptions): LegacySignatureArtifact;
  signBundle(options: SignBundleOptions): BundleSignatureArtifact;
}

export function createTestSigstore(options: TestSigstoreOptions = {}): TestSigstore {
  const validFrom = options.validFrom ?? new Date(Date.now() - 365 * 24 * 3600 * 1000);
  const ctLog = createCtLog();
  const fulcio = createFulcio(ctLog, validFrom);
  const rekor = createTransparencyLog('https://rekor.imprimatur.test', '1000000000000000001');
  const otherRekor = createTransparencyLog('https://rekor.elsewhere.test', '2000000000000000002');
  const trustedRootWith: TestSigstore['trustedRootWith'] = (variant) =>
    buildTrustedRoot({
      fulcio,
      ctLog,
      tlogs: variant.includeOtherLog === true ? [rekor, otherRekor] : [rekor],
      validFrom,
      ...(variant.validUntil === undefined ? {} : { validUntil: variant.validUntil }),
    });
  const trustedRoot = trustedRootWith({});
  const logs = { main: rekor, other: otherRekor };
  return {
    fulcio,
    rekor,
    otherRekor,
    ctLog,
    trustedRoot,
    trustedRootWith,
    writeTrustedRoot: (dir) => writeTrustedRootFile(dir, trustedRoot),
    issueCertificate: (certificateOptions) => fulcio.issueCertificate(certificateOptions),
    signLegacy: (signOptions) => signLegacy(logs, signOptions),
    signBundle: (signOptions) => signBundle(logs, signOptions),
  };
}
