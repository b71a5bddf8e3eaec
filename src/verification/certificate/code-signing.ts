import { X509Certificate as NodeX509Certificate } from 'node:crypto';

const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

/**
 * Whether the leaf certificate is marked for code signing. @sigstore/verify does not look at the
 * extended key usage at all, so without this any certificate a trusted CA ever issued (a TLS server
 * certificate, say) would be accepted as a signing certificate. cosign asks Go's x509 verifier for
 * ExtKeyUsageCodeSigning.
 *
 * Deliberately STRICTER than Go in one corner: Go treats a leaf with no EKU extension as good for any
 * usage; we require the extension to list codeSigning (or anyExtendedKeyUsage, which Go accepts
 * too). Fulcio writes codeSigning into every certificate it issues, so a Sigstore leaf without it is
 * not something a genuine signer produces.
 */
export function allowsCodeSigning(der: Buffer): boolean {
  const usages = new NodeX509Certificate(der).keyUsage as string[] | undefined;
  return usages !== undefined && (usages.includes(CODE_SIGNING) || usages.includes(ANY_EXTENDED_KEY_USAGE));
}
