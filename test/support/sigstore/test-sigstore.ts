import {
  signLegacyAttestation,
  type LegacyAttestationArtifact,
  type SignLegacyAttestationOptions,
} from './attestation.js';
import { signBundle, type BundleSignatureArtifact, type SignBundleOptions } from './bundle.js';
import { createCtLog, type TestCtLog } from './ct-log.js';
import {
  createFulcio,
  type IssueCertificateOptions,
  type IssuedCertificate,
  type TestFulcio,
} from './fulcio.js';
import { signLegacy, type LegacySignatureArtifact, type SignLegacyOptions } from './legacy.js';
import { createTimestampAuthority, type TestTimestampAuthority } from './timestamp-authority.js';
import { createTransparencyLog, type TestTransparencyLog } from './transparency-log.js';
import { buildTrustedRoot, writeTrustedRootFile, type TrustedRootJson } from './trusted-root.js';

/**
 * A complete private Sigstore instance for tests: Fulcio-like CA, Rekor-like log, CT log, RFC 3161
 * timestamp authority, plus a second log and a second TSA that are deliberately *not* trusted. Keys are generated once per instance (a few
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
  readonly tsa: TestTimestampAuthority;
  /** A TSA absent from `trustedRoot`. */
  readonly otherTsa: TestTimestampAuthority;
  /** `trusted_root.json` content trusting exactly fulcio, rekor, ctLog and tsa. */
  readonly trustedRoot: TrustedRootJson;
  /** Another trusted root over the same parts, e.g. with every window closed at `validUntil`. */
  trustedRootWith(options: {
    readonly validUntil?: Date;
    readonly includeOtherLog?: boolean;
    readonly includeOtherTsa?: boolean;
  }): TrustedRootJson;
  /** Writes `trusted_root.json` into `dir`; returns the file path. */
  writeTrustedRoot(dir: string): Promise<string>;
  issueCertificate(options: IssueCertificateOptions): IssuedCertificate;
  signLegacy(options: SignLegacyOptions): LegacySignatureArtifact;
  signBundle(options: SignBundleOptions): BundleSignatureArtifact;
  /** A cosign legacy `.att` layer: DSSE envelope over `statement`, with cosign's annotations. */
  signLegacyAttestation(options: SignLegacyAttestationOptions): LegacyAttestationArtifact;
}

export function createTestSigstore(options: TestSigstoreOptions = {}): TestSigstore {
  const validFrom = options.validFrom ?? new Date(Date.now() - 365 * 24 * 3600 * 1000);
  const ctLog = createCtLog();
  const fulcio = createFulcio(ctLog, validFrom);
  const rekor = createTransparencyLog('https://rekor.imprimatur.test', '1000000000000000001');
  const otherRekor = createTransparencyLog('https://rekor.elsewhere.test', '2000000000000000002');
  const until = new Date(validFrom.getTime() + 10 * 365 * 24 * 3600 * 1000);
  const tsa = createTimestampAuthority(validFrom, until);
  const otherTsa = createTimestampAuthority(validFrom, until);
  const trustedRootWith: TestSigstore['trustedRootWith'] = (variant) =>
    buildTrustedRoot({
      fulcio,
      ctLog,
      tlogs: variant.includeOtherLog === true ? [rekor, otherRekor] : [rekor],
      tsas: variant.includeOtherTsa === true ? [tsa, otherTsa] : [tsa],
      validFrom,
      ...(variant.validUntil === undefined ? {} : { validUntil: variant.validUntil }),
    });
  const trustedRoot = trustedRootWith({});
  const services = { logs: { main: rekor, other: otherRekor }, tsas: { main: tsa, other: otherTsa } };
  return {
    fulcio,
    rekor,
    otherRekor,
    ctLog,
    tsa,
    otherTsa,
    trustedRoot,
    trustedRootWith,
    writeTrustedRoot: (dir) => writeTrustedRootFile(dir, trustedRoot),
    issueCertificate: (certificateOptions) => fulcio.issueCertificate(certificateOptions),
    signLegacy: (signOptions) => signLegacy(services, signOptions),
    signBundle: (signOptions) => signBundle(services, signOptions),
    signLegacyAttestation: (signOptions) => signLegacyAttestation(services, signOptions),
  };
}
