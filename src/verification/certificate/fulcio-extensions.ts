import type { X509Certificate } from '@sigstore/core';
import { FULCIO_CLAIMS, type FulcioClaims } from '../fulcio-claims.js';
import type { CertificateIdentityFacts } from '../policy/index.js';
import type { SignerIdentity } from '../types.js';
import { readDerString } from './der-string.js';

/**
 * Fulcio's certificate extensions (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md).
 * The `.1.1`–`.1.6` ones hold raw bytes of the value; `.1.8` onwards hold a DER UTF8String. The
 * provider-generic `.1.9`–`.1.24` are listed in ../fulcio-claims.ts.
 */
const OID = {
  issuerV1: '1.3.6.1.4.1.57264.1.1',
  githubWorkflowTrigger: '1.3.6.1.4.1.57264.1.2',
  githubWorkflowSha: '1.3.6.1.4.1.57264.1.3',
  githubWorkflowName: '1.3.6.1.4.1.57264.1.4',
  githubWorkflowRepository: '1.3.6.1.4.1.57264.1.5',
  githubWorkflowRef: '1.3.6.1.4.1.57264.1.6',
  otherNameSan: '1.3.6.1.4.1.57264.1.7',
  issuerV2: '1.3.6.1.4.1.57264.1.8',
} as const;

function rawExtension(cert: X509Certificate, oid: string): string | undefined {
  return cert.extension(oid)?.value.toString('utf8');
}

function derStringExtension(cert: X509Certificate, oid: string): string | undefined {
  return readDerString(cert.extension(oid)?.value);
}

/**
 * Reads who the certificate says signed. The certificate is attacker-supplied until verified, so
 * this is also used on certificates that FAILED verification — only to show the caller what they
 * would have to trust, never to decide anything. Malformed extensions read as undefined.
 */
export function readCertificateFacts(cert: X509Certificate): CertificateIdentityFacts {
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch {
      return undefined;
    }
  };
  const san = attempt(() => cert.extSubjectAltName);
  const subjectAlternativeNames = [
    attempt(() => san?.uri),
    attempt(() => san?.rfc822Name),
    attempt(() => san?.otherName(OID.otherNameSan)),
  ].filter((v): v is string => v !== undefined && v !== '');
  // v2 issuer (DER) is what current Fulcio writes; v1 (raw) is what older certificates carry and
  // what cosign reads. Fulcio writes both with the same value, so preferring v2 changes nothing there.
  const issuer =
    attempt(() => derStringExtension(cert, OID.issuerV2)) ?? attempt(() => rawExtension(cert, OID.issuerV1));
  const identity: SignerIdentity = {
    subjectAlternativeName: subjectAlternativeNames[0],
    issuer,
    githubWorkflowTrigger: attempt(() => rawExtension(cert, OID.githubWorkflowTrigger)),
    githubWorkflowSha: attempt(() => rawExtension(cert, OID.githubWorkflowSha)),
    githubWorkflowName: attempt(() => rawExtension(cert, OID.githubWorkflowName)),
    githubWorkflowRepository: attempt(() => rawExtension(cert, OID.githubWorkflowRepository)),
    githubWorkflowRef: attempt(() => rawExtension(cert, OID.githubWorkflowRef)),
    ...readBuildClaims(cert, attempt),
  };
  return { identity, subjectAlternativeNames };
}

/** Every provider-generic claim (`.1.9`–`.1.24`); one unreadable extension leaves only its own field undefined. */
function readBuildClaims(cert: X509Certificate, attempt: <T>(read: () => T) => T | undefined): FulcioClaims {
  const claims: Record<string, string | undefined> = {};
  for (const { field, oid } of FULCIO_CLAIMS) {
    claims[field] = attempt(() => derStringExtension(cert, oid));
  }
  return claims as FulcioClaims;
}
