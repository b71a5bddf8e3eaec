import { X509Certificate } from '@sigstore/core';

/** Cap on certificates read from one chain annotation: Fulcio chains have 2; more is an attack on our CPU. */
const MAX_CHAIN_CERTIFICATES = 10;

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g;

/**
 * DER bytes of each PEM certificate in `text`, in order. Input comes from registry annotations, so it
 * is untrusted: anything outside PEM blocks is ignored, an over-long chain is cut, and decoding
 * errors surface as exceptions for the caller to turn into a failed signature.
 */
export function pemCertificatesToDer(text: string): Buffer<ArrayBuffer>[] {
  const out: Buffer<ArrayBuffer>[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    if (out.length >= MAX_CHAIN_CERTIFICATES) break;
    const der = Buffer.from((match[1] ?? '').replace(/\s+/g, ''), 'base64');
    if (der.length === 0) throw new Error('empty PEM certificate block');
    out.push(der);
  }
  return out;
}

/** Parses exactly one PEM certificate; throws on none or on malformed DER. */
export function parsePemCertificate(text: string): X509Certificate {
  const [der] = pemCertificatesToDer(text);
  if (der === undefined) throw new Error('no PEM certificate found');
  return X509Certificate.parse(der);
}
