import { AsnConvert } from '@peculiar/asn1-schema';
import { ExtendedKeyUsage, GeneralName, SubjectAlternativeName, type Extension } from '@peculiar/asn1-x509';
import { type KeyObject } from 'node:crypto';
import {
  authorityKeyIdExtension,
  basicConstraintsExtension,
  extension,
  keyUsageExtension,
  KeyUsageFlags,
  OID,
  randomSerial,
  signTbs,
  subjectKeyIdExtension,
  tbsDer,
  type DistinguishedName,
} from './certificate.js';
import { sctListExtensionValue, type TestCtLog } from './ct-log.js';
import { derUtf8String } from './der.js';
import { generateKeyPair, toPem, type TestKeyPair } from './keys.js';

/**
 * A Fulcio-like certificate authority: an ECDSA P-256 root and intermediate, issuing short-lived
 * code-signing certificates with Fulcio's OIDC extensions and an embedded SCT, the way
 * fulcio.sigstore.dev does. Nothing about a certificate is trusted by verifiers unless it chains
 * to `root` through `intermediate`; tests build the negative cases by changing one option.
 */

/** Fulcio's certificate extensions (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md). */
export const FULCIO_OID = {
  /** v1: the OIDC issuer as raw bytes in extnValue (deprecated, still read by cosign). */
  issuerV1: '1.3.6.1.4.1.57264.1.1',
  githubWorkflowTrigger: '1.3.6.1.4.1.57264.1.2',
  githubWorkflowSha: '1.3.6.1.4.1.57264.1.3',
  githubWorkflowName: '1.3.6.1.4.1.57264.1.4',
  githubWorkflowRepository: '1.3.6.1.4.1.57264.1.5',
  githubWorkflowRef: '1.3.6.1.4.1.57264.1.6',
  /** v2: the OIDC issuer as a DER UTF8String. */
  issuerV2: '1.3.6.1.4.1.57264.1.8',
  // Provider-generic claims, each a DER UTF8String (oid-info.md "Extension values").
  buildSignerUri: '1.3.6.1.4.1.57264.1.9',
  buildSignerDigest: '1.3.6.1.4.1.57264.1.10',
  runnerEnvironment: '1.3.6.1.4.1.57264.1.11',
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  sourceRepositoryIdentifier: '1.3.6.1.4.1.57264.1.15',
  sourceRepositoryOwnerUri: '1.3.6.1.4.1.57264.1.16',
  sourceRepositoryOwnerIdentifier: '1.3.6.1.4.1.57264.1.17',
  buildConfigUri: '1.3.6.1.4.1.57264.1.18',
  buildConfigDigest: '1.3.6.1.4.1.57264.1.19',
  buildTrigger: '1.3.6.1.4.1.57264.1.20',
  runInvocationUri: '1.3.6.1.4.1.57264.1.21',
  sourceRepositoryVisibilityAtSigning: '1.3.6.1.4.1.57264.1.22',
  deploymentEnvironment: '1.3.6.1.4.1.57264.1.23',
  tokenSubject: '1.3.6.1.4.1.57264.1.24',
} as const;

/** The provider-generic (v2) claims Fulcio writes for CI identities, OIDs .1.9–.1.24. */
export type BuildClaimName = Exclude<
  keyof typeof FULCIO_OID,
  'issuerV1' | 'issuerV2' | `githubWorkflow${string}`
>;
export type BuildClaims = Partial<Record<BuildClaimName, string>>;

/**
 * The claims public-good Fulcio writes for a GitHub Actions workflow `workflowPath` of `repo`
 * (`owner/name`) run on `ref` at `sha` (values shaped like fulcio's GitHub mapping in oid-info.md).
 */
export function githubBuildClaims(options: {
  readonly repo: string;
  readonly ref: string;
  readonly sha: string;
  readonly workflowPath?: string;
  readonly runner?: 'github-hosted' | 'self-hosted';
  readonly trigger?: string;
  readonly visibility?: 'public' | 'private' | 'internal';
}): BuildClaims {
  const owner = options.repo.split('/')[0]!;
  const workflow = `https://github.com/${options.repo}/${options.workflowPath ?? '.github/workflows/release.yml'}@${options.ref}`;
  return {
    buildSignerUri: workflow,
    buildSignerDigest: options.sha,
    runnerEnvironment: options.runner ?? 'github-hosted',
    sourceRepositoryUri: `https://github.com/${options.repo}`,
    sourceRepositoryDigest: options.sha,
    sourceRepositoryRef: options.ref,
    sourceRepositoryIdentifier: '123456789',
    sourceRepositoryOwnerUri: `https://github.com/${owner}`,
    sourceRepositoryOwnerIdentifier: '987654',
    buildConfigUri: workflow,
    buildConfigDigest: options.sha,
    buildTrigger: options.trigger ?? 'push',
    runInvocationUri: `https://github.com/${options.repo}/actions/runs/1536140711/attempts/1`,
    sourceRepositoryVisibilityAtSigning: options.visibility ?? 'public',
    deploymentEnvironment: 'production',
    tokenSubject: `repo:${options.repo}:ref:${options.ref}`,
  };
}

export interface GithubWorkflowClaims {
  readonly workflowTrigger: string;
  readonly workflowSha: string;
  readonly workflowName: string;
  readonly workflowRepository: string;
  readonly workflowRef: string;
}

export interface IssueCertificateOptions {
  /** The signer's identity: a URI (CI workflows, SPIFFE) or an e-mail address. */
  readonly san: { readonly uri: string } | { readonly email: string };
  /** The OIDC issuer URL, written to both issuer extensions unless `issuerExtensions` says otherwise. */
  readonly issuer: string;
  readonly github?: GithubWorkflowClaims;
  /** Provider-generic claims (.1.9–.1.24), each written as a DER UTF8String. */
  readonly buildClaims?: BuildClaims;
  /** Extension values written verbatim by OID (malformed-claim tests); after `buildClaims`. */
  readonly rawExtensions?: Readonly<Record<string, Uint8Array>>;
  /** Default: now minus one minute (so a signature made "now" is inside the window). */
  readonly notBefore?: Date;
  /** Default 10, as Fulcio. */
  readonly validForMinutes?: number;
  /** Default true; false omits the EKU extension entirely (cosign then rejects the certificate). */
  readonly codeSigning?: boolean;
  /** Default true: embed an SCT from the instance's CT log. */
  readonly sct?: boolean;
  /** Which issuer extensions to write. Default 'both', like current Fulcio. */
  readonly issuerExtensions?: 'both' | 'v1' | 'v2';
  /** The key to certify. Default: a fresh ECDSA P-256 key (Fulcio's ephemeral key). */
  readonly key?: TestKeyPair;
}

export interface IssuedCertificate {
  readonly certificateDer: Buffer;
  readonly certificatePem: string;
  /** Intermediate then root, PEM: what cosign stores in `dev.sigstore.cosign/chain`. */
  readonly chainPem: string;
  readonly privateKey: KeyObject;
  readonly key: TestKeyPair;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface TestFulcio {
  readonly rootKey: TestKeyPair;
  readonly intermediateKey: TestKeyPair;
  readonly rootDer: Buffer;
  readonly intermediateDer: Buffer;
  readonly chainPem: string;
  /** Validity of the CA (trusted root `validFor`). */
  readonly validFrom: Date;
  readonly validUntil: Date;
  issueCertificate(options: IssueCertificateOptions): IssuedCertificate;
}

const ROOT_DN: DistinguishedName = { organization: 'imprimatur.test', commonName: 'imprimatur-test-root' };
const INTERMEDIATE_DN: DistinguishedName = {
  organization: 'imprimatur.test',
  commonName: 'imprimatur-test-intermediate',
};

const rawExtension = (oid: string, value: string): Extension =>
  extension(oid, false, Buffer.from(value, 'utf8'));

function sanExtension(san: IssueCertificateOptions['san']): Extension {
  const name =
    'uri' in san
      ? new GeneralName({ uniformResourceIdentifier: san.uri })
      : new GeneralName({ rfc822Name: san.email });
  // Critical because the subject is empty (RFC 5280 §4.2.1.6), as in every Fulcio certificate.
  return extension(OID.subjectAltName, true, AsnConvert.serialize(new SubjectAlternativeName([name])));
}

function fulcioExtensions(options: IssueCertificateOptions): Extension[] {
  const which = options.issuerExtensions ?? 'both';
  const out: Extension[] = [];
  if (which !== 'v2') out.push(rawExtension(FULCIO_OID.issuerV1, options.issuer));
  const gh = options.github;
  if (gh !== undefined) {
    out.push(
      rawExtension(FULCIO_OID.githubWorkflowTrigger, gh.workflowTrigger),
      rawExtension(FULCIO_OID.githubWorkflowSha, gh.workflowSha),
      rawExtension(FULCIO_OID.githubWorkflowName, gh.workflowName),
      rawExtension(FULCIO_OID.githubWorkflowRepository, gh.workflowRepository),
      rawExtension(FULCIO_OID.githubWorkflowRef, gh.workflowRef),
    );
  }
  if (which !== 'v1') out.push(extension(FULCIO_OID.issuerV2, false, derUtf8String(options.issuer)));
  for (const [name, value] of Object.entries(options.buildClaims ?? {})) {
    if (value !== undefined) {
      out.push(extension(FULCIO_OID[name as BuildClaimName], false, derUtf8String(value)));
    }
  }
  for (const [oid, value] of Object.entries(options.rawExtensions ?? {}))
    out.push(extension(oid, false, value));
  return out;
}

export function createFulcio(ctLog: TestCtLog, validFrom: Date): TestFulcio {
  const validUntil = new Date(validFrom.getTime() + 10 * 365 * 24 * 3600 * 1000);
  const rootKey = generateKeyPair('ecdsa-p256');
  const intermediateKey = generateKeyPair('ecdsa-p256');
  const caUsage = KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign;
  const rootDer = signTbs(
    tbsDer({
      issuer: ROOT_DN,
      subject: ROOT_DN,
      subjectKey: rootKey,
      issuerKey: rootKey,
      notBefore: validFrom,
      notAfter: validUntil,
      extensions: [
        keyUsageExtension(caUsage),
        basicConstraintsExtension(true, 1),
        subjectKeyIdExtension(rootKey),
      ],
    }),
    rootKey,
  );
  const intermediateDer = signTbs(
    tbsDer({
      issuer: ROOT_DN,
      subject: INTERMEDIATE_DN,
      subjectKey: intermediateKey,
      issuerKey: rootKey,
      notBefore: validFrom,
      notAfter: validUntil,
      extensions: [
        keyUsageExtension(caUsage),
        basicConstraintsExtension(true, 0),
        subjectKeyIdExtension(intermediateKey),
        authorityKeyIdExtension(rootKey),
      ],
    }),
    rootKey,
  );
  const chainPem = toPem(intermediateDer, 'CERTIFICATE') + toPem(rootDer, 'CERTIFICATE');

  function issueCertificate(options: IssueCertificateOptions): IssuedCertificate {
    const key = options.key ?? generateKeyPair('ecdsa-p256');
    // X.509 times have whole seconds: truncate so the returned window is exactly the certificate's.
    const notBefore = new Date(
      Math.floor((options.notBefore ?? new Date(Date.now() - 60_000)).getTime() / 1000) * 1000,
    );
    const notAfter = new Date(notBefore.getTime() + (options.validForMinutes ?? 10) * 60_000);
    const extensions: Extension[] = [
      keyUsageExtension(KeyUsageFlags.digitalSignature),
      ...(options.codeSigning === false
        ? []
        : [extension(OID.extKeyUsage, false, AsnConvert.serialize(new ExtendedKeyUsage([OID.codeSigning])))]),
      subjectKeyIdExtension(key),
      authorityKeyIdExtension(intermediateKey),
      sanExtension(options.san),
      ...fulcioExtensions(options),
    ];
    const spec = {
      issuer: INTERMEDIATE_DN,
      subject: {},
      subjectKey: key,
      issuerKey: intermediateKey,
      notBefore,
      notAfter,
      serialNumber: randomSerial(),
    };
    if (options.sct !== false) {
      // The SCT signs the certificate as it is without the SCT list; verifiers strip the extension
      // and re-encode the TBS to check it, so it must be the last extension we add.
      const precert = tbsDer({ ...spec, extensions });
      const sct = ctLog.signPrecertificate(intermediateKey.spkiDer, precert, notBefore);
      extensions.push(extension(OID.sctList, false, sctListExtensionValue([sct])));
    }
    const certificateDer = signTbs(tbsDer({ ...spec, extensions }), intermediateKey);
    return {
      certificateDer,
      certificatePem: toPem(certificateDer, 'CERTIFICATE'),
      chainPem,
      privateKey: key.privateKey,
      key,
      notBefore,
      notAfter,
    };
  }

  return {
    rootKey,
    intermediateKey,
    rootDer,
    intermediateDer,
    chainPem,
    validFrom,
    validUntil,
    issueCertificate,
  };
}
