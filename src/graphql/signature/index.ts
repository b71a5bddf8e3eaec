export { Certificate } from './certificate.type.js';
export { Signature, SignatureFormat, TlogEntry, Timestamp, TimestampKind } from './signature.type.js';
export { SignerIdentity } from './signer-identity.type.js';
