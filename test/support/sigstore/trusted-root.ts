import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestCtLog } from './ct-log.js';
import type { TestFulcio } from './fulcio.js';
import type { TestTimestampAuthority } from './timestamp-authority.js';
import type { TestTransparencyLog } from './transparency-log.js';

/**
 * The `trusted_root.json` document (sigstore protobuf-specs `TrustedRoot`, JSON form) that makes
 * verifiers trust this instance and nothing else: our CA chain, our Rekor key and our CT log key.
 */
export const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';

export interface ValidFor {
  readonly start: string;
  readonly end?: string;
}

export interface TransparencyLogInstanceJson {
  readonly baseUrl: string;
  readonly hashAlgorithm: 'SHA2_256';
  readonly publicKey: {
    readonly rawBytes: string;
    readonly keyDetails: 'PKIX_ECDSA_P256_SHA_256';
    readonly validFor: ValidFor;
  };
  readonly logId: { readonly keyId: string };
}

export interface CertificateAuthorityJson {
  readonly subject: { readonly organization: string; readonly commonName: string };
  readonly uri: string;
  readonly certChain: { readonly certificates: readonly { readonly rawBytes: string }[] };
  readonly validFor: ValidFor;
}

export interface TrustedRootJson {
  readonly mediaType: typeof TRUSTED_ROOT_MEDIA_TYPE;
  readonly tlogs: readonly TransparencyLogInstanceJson[];
  readonly certificateAuthorities: readonly CertificateAuthorityJson[];
  readonly ctlogs: readonly TransparencyLogInstanceJson[];
  readonly timestampAuthorities: readonly CertificateAuthorityJson[];
}

export interface TrustedRootParts {
  readonly fulcio: TestFulcio;
  readonly tlogs: readonly TestTransparencyLog[];
  readonly ctLog: TestCtLog;
  readonly tsas: readonly TestTimestampAuthority[];
  readonly validFrom: Date;
  /** Closes every validity window at this instant (for "key retired before signing" cases). */
  readonly validUntil?: Date;
}

function logInstance(
  log: { baseUrl: string; logId: Buffer; key: { spkiDer: Buffer } },
  validFor: ValidFor,
): TransparencyLogInstanceJson {
  return {
    baseUrl: log.baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: log.key.spkiDer.toString('base64'),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256',
      validFor,
    },
    logId: { keyId: log.logId.toString('base64') },
  };
}

export function buildTrustedRoot(parts: TrustedRootParts): TrustedRootJson {
  const validFor: ValidFor = {
    start: parts.validFrom.toISOString(),
    ...(parts.validUntil === undefined ? {} : { end: parts.validUntil.toISOString() }),
  };
  return {
    mediaType: TRUSTED_ROOT_MEDIA_TYPE,
    tlogs: parts.tlogs.map((log) => logInstance(log, validFor)),
    certificateAuthorities: [
      {
        subject: { organization: 'imprimatur.test', commonName: 'imprimatur-test-root' },
        uri: 'https://fulcio.imprimatur.test',
        certChain: {
          certificates: [parts.fulcio.intermediateDer, parts.fulcio.rootDer].map((der) => ({
            rawBytes: der.toString('base64'),
          })),
        },
        validFor,
      },
    ],
    ctlogs: [logInstance(parts.ctLog, validFor)],
    timestampAuthorities: parts.tsas.map((tsa) => ({
      subject: { organization: 'imprimatur.test', commonName: 'imprimatur-test-tsa' },
      uri: 'https://tsa.imprimatur.test',
      certChain: { certificates: tsa.chainDer.map((der) => ({ rawBytes: der.toString('base64') })) },
      validFor,
    })),
  };
}

/** Writes `trusted_root.json` into `dir` (created if needed) and returns its path. */
export async function writeTrustedRootFile(dir: string, root: TrustedRootJson): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'trusted_root.json');
  await writeFile(path, JSON.stringify(root, null, 2));
  return path;
}
