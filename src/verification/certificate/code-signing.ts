import { X509Certificate as NodeX509Certificate } from 'node:crypto';

const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

/**
 * Whether the certificate may sign code. cosign asks Go's x509 verifier for ExtKeyUsageCodeSigning,
 * which @sigstore/verify does not check: without this, a TLS server certificate from a trusted CA
 * would be accepted as a signing certificate. Go's rule, mirrored: a certificate with no extended key
 * usage extension is unrestricted; one with the extension must list codeSigning (or anyExtendedKeyUsage).
 */
export function allowsCodeSigning(der: Buffer): boolean {
  const usages = new NodeX509Certificate(der).keyUsage as string[] | undefined;
  if (usages === undefined || usages.length === 0) return true;
  return usages.includes(CODE_SIGNING) || usages.includes(ANY_EXTENDED_KEY_USAGE);
}
