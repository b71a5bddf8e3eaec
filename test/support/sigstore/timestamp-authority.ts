import { AsnConvert } from '@peculiar/asn1-schema';
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
  toName,
  type DistinguishedName,
} from './certificate.js';
import {
  derContext,
  derGeneralizedTime,
  derInteger,
  derOctetString,
  derOid,
  derSequence,
  derSet,
} from './der.js';
import { generateKeyPair, sha256, signWith, type TestKeyPair } from './keys.js';

/**
 * An RFC 3161 timestamp authority (TSA), as cosign uses `timestamp.sigstore.dev`: it countersigns the
 * *signature bytes* with a trusted time. The response is a DER TimeStampResp whose token is a CMS
 * SignedData over a TSTInfo; signed attributes carry contentType, messageDigest and the RFC 5816
 * signingCertificateV2. Verifiers trust it through `timestampAuthorities` in the trusted root.
 */
export interface TestTimestampAuthority {
  readonly key: TestKeyPair;
  /** [signing certificate, root]: the trusted root's `certChain` order. */
  readonly chainDer: readonly Buffer[];
  readonly validFrom: Date;
  /** A TimeStampResp (status granted) over SHA-256(`data`) at `at` (default now). */
  timestamp(data: Uint8Array, at?: Date): Buffer;
}

const OIDS = {
  sha256: '2.16.840.1.101.3.4.2.1',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  policy: '1.3.6.1.4.1.57264.99.1', // arbitrary test policy
} as const;

const ROOT: DistinguishedName = { organization: 'imprimatur.test', commonName: 'imprimatur-test-tsa-root' };
const SIGNER: DistinguishedName = { organization: 'imprimatur.test', commonName: 'imprimatur-test-tsa' };

const sha256AlgorithmId = (): Buffer => derSequence(derOid(OIDS.sha256));
const attribute = (oid: string, value: Buffer): Buffer => derSequence(derOid(oid), derSet(value));

export function createTimestampAuthority(validFrom: Date, validUntil: Date): TestTimestampAuthority {
  const rootKey = generateKeyPair('ecdsa-p256');
  const key = generateKeyPair('ecdsa-p256');
  const rootDer = signTbs(
    tbsDer({
      issuer: ROOT,
      subject: ROOT,
      subjectKey: rootKey,
      issuerKey: rootKey,
      notBefore: validFrom,
      notAfter: validUntil,
      extensions: [
        keyUsageExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign),
        basicConstraintsExtension(true, 0),
        subjectKeyIdExtension(rootKey),
      ],
    }),
    rootKey,
  );
  const serial = randomSerial();
  const signerDer = signTbs(
    tbsDer({
      issuer: ROOT,
      subject: SIGNER,
      subjectKey: key,
      issuerKey: rootKey,
      notBefore: validFrom,
      notAfter: validUntil,
      serialNumber: serial,
      extensions: [
        keyUsageExtension(KeyUsageFlags.digitalSignature),
        // RFC 3161 §2.3: the TSA certificate's only EKU is timeStamping, and it is critical.
        extension(OID.extKeyUsage, true, derSequence(derOid(OIDS.timeStamping))),
        subjectKeyIdExtension(key),
        authorityKeyIdExtension(rootKey),
      ],
    }),
    rootKey,
  );
  const issuerName = Buffer.from(AsnConvert.serialize(toName(ROOT)));
  let nextSerial = 1;

  function timestamp(data: Uint8Array, at: Date = new Date()): Buffer {
    const tstInfo = derSequence(
      derInteger(1),
      derOid(OIDS.policy),
      derSequence(sha256AlgorithmId(), derOctetString(sha256(data))),
      derInteger(nextSerial++),
      derGeneralizedTime(at),
    );
    const signedAttributes = [
      attribute(OIDS.contentType, derOid(OIDS.tstInfo)),
      attribute(OIDS.messageDigest, derOctetString(sha256(tstInfo))),
      attribute(
        OIDS.signingCertificateV2,
        derSequence(derSequence(derSequence(derOctetString(sha256(signerDer))))),
      ),
    ];
    // CMS signs the DER SET OF the attributes, then stores them under an IMPLICIT [0] tag.
    const attributesSet = derSet(...signedAttributes);
    const signature = signWith(key, attributesSet);
    const signerInfo = derSequence(
      derInteger(1),
      derSequence(issuerName, derInteger(serial)),
      sha256AlgorithmId(),
      derContext(0, attributesSet.subarray(attributesSet.length - contentLength(attributesSet))),
      derSequence(derOid(OID.ecdsaWithSha256)),
      derOctetString(signature),
    );
    const signedData = derSequence(
      derInteger(3),
      derSet(sha256AlgorithmId()),
      derSequence(derOid(OIDS.tstInfo), derContext(0, derOctetString(tstInfo))),
      derContext(0, signerDer),
      derSet(signerInfo),
    );
    const contentInfo = derSequence(derOid(OIDS.signedData), derContext(0, signedData));
    return derSequence(derSequence(derInteger(0)), contentInfo);
  }

  return { key, chainDer: [signerDer, rootDer], validFrom, timestamp };
}

/** Length of the content of a DER TLV (skipping its tag and length octets). */
function contentLength(tlv: Buffer): number {
  const first = tlv[1]!;
  if (first < 0x80) return first;
  let length = 0;
  for (let i = 0; i < (first & 0x7f); i++) length = length * 256 + tlv[2 + i]!;
  return length;
}
