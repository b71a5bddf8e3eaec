export { allowsCodeSigning } from './code-signing.js';
export { EncodedCertificate } from './encoded-certificate.js';
export { describeCertificate } from './describe-certificate.js';
export type { CertificateDescription } from './describe-certificate.js';
export { readCertificateFacts } from './fulcio-extensions.js';
export { parsePemCertificate, pemCertificatesToDer } from './pem.js';
