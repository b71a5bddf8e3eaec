import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Extension,
  Extensions,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { randomBytes } from 'node:crypto';
import { derBitString, derSequence } from './der.js';
import { sha256, signWith, type TestKeyPair } from './keys.js';

/**
 * Minimal X.509 assembly on top of @peculiar/asn1-x509, signed with node:crypto. The TBS bytes are
 * serialized once, signed, and embedded verbatim, so the signature always covers exactly the bytes a
 * verifier re-reads.
 */

export const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  sctList: '1.3.6.1.4.1.11129.2.4.2',
} as const;

export interface DistinguishedName {
  readonly organization?: string;
  readonly commonName?: string;
}

export function toName(dn: DistinguishedName): Name {
  const rdns: RelativeDistinguishedName[] = [];
  const add = (type: string, value: string | undefined): void => {
    if (value === undefined) return;
    const atv = new AttributeTypeAndValue({ type, value: new AttributeValue({ printableString: value }) });
    rdns.push(new RelativeDistinguishedName([atv]));
  };
  add(OID.organization, dn.organization);
  add(OID.commonName, dn.commonName);
  return new Name(rdns);
}

export function extension(extnID: string, critical: boolean, valueDer: ArrayBuffer | Uint8Array): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(valueDer) });
}

/** RFC 5280 method 1 key identifier: SHA-1 is conventional, SHA-256 truncated is equally acceptable here. */
export function keyIdentifier(key: TestKeyPair): Buffer {
  return sha256(key.spkiDer).subarray(0, 20);
}

export const keyUsageExtension = (flags: number): Extension =>
  extension(OID.keyUsage, true, AsnConvert.serialize(new KeyUsage(flags)));
export const basicConstraintsExtension = (cA: boolean, pathLenConstraint?: number): Extension =>
  extension(
    OID.basicConstraints,
    true,
    AsnConvert.serialize(new BasicConstraints({ cA, pathLenConstraint })),
  );
export const subjectKeyIdExtension = (key: TestKeyPair): Extension =>
  extension(OID.subjectKeyId, false, AsnConvert.serialize(new SubjectKeyIdentifier(keyIdentifier(key))));
export const authorityKeyIdExtension = (issuerKey: TestKeyPair): Extension =>
  extension(
    OID.authorityKeyId,
    false,
    AsnConvert.serialize(
      new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyIdentifier(issuerKey)) }),
    ),
  );
export { KeyUsageFlags };

export interface TbsSpec {
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly subjectKey: TestKeyPair;
  /** The key that will sign: decides the signature algorithm written into the TBS. */
  readonly issuerKey: TestKeyPair;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: readonly Extension[];
  readonly serialNumber?: Buffer;
}

function signatureAlgorithm(key: TestKeyPair): AlgorithmIdentifier {
  switch (key.algorithm) {
    case 'ecdsa-p256':
      return new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha256 });
    case 'ecdsa-p384':
      return new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha384 });
    case 'ed25519':
    case 'rsa':
      // CA keys are always ECDSA in this fixture, as in Fulcio.
      throw new Error(`CA keys must be ECDSA, got ${key.algorithm}`);
  }
}

/** A positive 20-byte serial, as RFC 5280 allows and Fulcio issues. */
export function randomSerial(): Buffer {
  const serial = randomBytes(20);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  return serial;
}

/** Serializes a TBSCertificate to DER. Called once per certificate (and once more without the SCT). */
export function tbsDer(spec: TbsSpec): Buffer {
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(spec.serialNumber ?? randomSerial()).buffer,
    signature: signatureAlgorithm(spec.issuerKey),
    issuer: toName(spec.issuer),
    validity: new Validity({ notBefore: spec.notBefore, notAfter: spec.notAfter }),
    subject: toName(spec.subject),
    subjectPublicKeyInfo: AsnConvert.parse(spec.subjectKey.spkiDer, SubjectPublicKeyInfo),
    extensions: new Extensions([...spec.extensions]),
  });
  return Buffer.from(AsnConvert.serialize(tbs));
}

/** Signs DER TBS bytes with the issuer key and wraps them into a Certificate. */
export function signTbs(tbs: Buffer, issuerKey: TestKeyPair): Buffer {
  const algorithm = Buffer.from(AsnConvert.serialize(signatureAlgorithm(issuerKey)));
  return derSequence(tbs, algorithm, derBitString(signWith(issuerKey, tbs)));
}
