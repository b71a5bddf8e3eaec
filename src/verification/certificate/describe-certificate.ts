import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { X509Certificate } from '@sigstore/core';
import type { SignerIdentity } from '../types.js';
import { readCertificateFacts } from './fulcio-extensions.js';
import { pemCertificatesToDer } from './pem.js';

/** A certificate as the GraphQL `Certificate` type shows it. Nothing here implies it was trusted. */
export interface CertificateDescription extends SignerIdentity {
  /** Uppercase hex, as OpenSSL prints it. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Distinguished name of the issuing CA (e.g. `O=sigstore.dev, CN=sigstore-intermediate`). */
  readonly issuerName: string;
  /** Every SAN value (the first is `subjectAlternativeName`). */
  readonly subjectAlternativeNames: readonly string[];
  readonly pem: string;
}

/** Describes the first certificate in `pem`; throws if there is none or it does not parse. */
export function describeCertificate(pem: string): CertificateDescription {
  const [der] = pemCertificatesToDer(pem);
  if (der === undefined) throw new Error('no PEM certificate found');
  const cert = X509Certificate.parse(der);
  const node = new NodeX509Certificate(der);
  const facts = readCertificateFacts(cert);
  const body = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return {
    ...facts.identity,
    subjectAlternativeNames: facts.subjectAlternativeNames,
    serialNumber: node.serialNumber.toUpperCase(),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    issuerName: node.issuer.split('\n').join(', '),
    pem: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`,
  };
}
