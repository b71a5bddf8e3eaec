import type { X509Certificate } from '@sigstore/core';

const EXTENDED_KEY_USAGE = '2.5.29.37';
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';
const SEQUENCE = 0x10;

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
 *
 * Read from the certificate @sigstore/verify checks (already parsed) rather than by parsing the DER a
 * second time with node:crypto, which cost about 0.2 ms per signature. The reading is strict, and
 * anything unexpected is "not for code signing" (a rejection, never an acceptance): exactly one EKU
 * extension (RFC 5280 §4.2 forbids repeating one, and OpenSSL then reads none), whose value is one
 * SEQUENCE of OBJECT IDENTIFIERs and nothing else (OpenSSL ignores bytes after that SEQUENCE; we
 * reject them). code-signing.test.ts compares the answers with node:crypto's on certificates built
 * for each of these cases.
 */
export function allowsCodeSigning(certificate: X509Certificate): boolean {
  try {
    const found = certificate.extensions.filter(
      (extension) => extension.subs[0]?.toOID() === EXTENDED_KEY_USAGE,
    );
    const extension = found.length === 1 ? found[0] : undefined;
    // Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
    if (extension === undefined || extension.subs.length < 2 || extension.subs.length > 3) return false;
    const extnValue = extension.subs[extension.subs.length - 1];
    // The parser reads an OCTET STRING's content as children when it is well-formed DER.
    if (extnValue === undefined || !extnValue.tag.isOctetString() || extnValue.subs.length !== 1)
      return false;
    const usages = extnValue.subs[0];
    if (
      usages === undefined ||
      !usages.tag.isUniversal() ||
      !usages.tag.constructed ||
      usages.tag.number !== SEQUENCE
    ) {
      return false;
    }
    // toOID() throws on anything that is not an OBJECT IDENTIFIER: caught below, a rejection.
    const oids = usages.subs.map((usage) => usage.toOID());
    return oids.includes(CODE_SIGNING) || oids.includes(ANY_EXTENDED_KEY_USAGE);
  } catch {
    return false;
  }
}
