import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { ExtendedKeyUsage } from '@peculiar/asn1-x509';
import { X509Certificate } from '@sigstore/core';
import { describe, expect, it } from 'vitest';
import { extension, OID, signTbs, tbsDer } from '../../../test/support/sigstore/certificate.js';
import { createTestSigstore, generateKeyPair } from '../../../test/support/sigstore/index.js';
import { allowsCodeSigning } from './code-signing.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';
const ISSUER = 'https://token.actions.githubusercontent.com';

/**
 * allowsCodeSigning used to parse the leaf a second time with node:crypto (OpenSSL) and read its
 * `keyUsage`; it now reads the certificate @sigstore/core already parsed. This is that former
 * implementation, kept as the oracle: on every certificate below both must agree, except where the
 * new reading is documented to be stricter (it may only reject more, never accept more).
 */
function opensslAllowsCodeSigning(der: Buffer): boolean {
  const usages = new NodeX509Certificate(der).keyUsage as string[] | undefined;
  return (
    usages !== undefined && (usages.includes(OID.codeSigning) || usages.includes(ANY_EXTENDED_KEY_USAGE))
  );
}

const eku = (...oids: string[]) =>
  extension(OID.extKeyUsage, false, AsnConvert.serialize(new ExtendedKeyUsage(oids)));
/** An EKU extension whose value is arbitrary DER: what a hostile or broken issuer could write. */
const rawEku = (valueDer: Buffer) => extension(OID.extKeyUsage, false, valueDer);

const key = generateKeyPair('ecdsa-p256');
const ca = generateKeyPair('ecdsa-p256');
function certificateWith(
  extensions: Parameters<typeof extension> extends never ? never : ReturnType<typeof extension>[],
): Buffer {
  const now = new Date();
  return signTbs(
    tbsDer({
      issuer: { commonName: 'test-ca' },
      subject: {},
      subjectKey: key,
      issuerKey: ca,
      notBefore: now,
      notAfter: new Date(now.getTime() + 600_000),
      extensions,
    }),
    ca,
  );
}

const sigstore = createTestSigstore();
/** `stricter`: OpenSSL accepts this one; we reject it (documented, and only in that direction). */
const cases: Record<string, { der: Buffer; expected: boolean; stricter?: true }> = {
  'a Fulcio leaf (codeSigning)': {
    der: sigstore.issueCertificate({ san: { uri: 'https://example.test/x' }, issuer: ISSUER }).certificateDer,
    expected: true,
  },
  'a Fulcio-style leaf without the EKU extension': {
    der: sigstore.issueCertificate({
      san: { uri: 'https://example.test/x' },
      issuer: ISSUER,
      codeSigning: false,
    }).certificateDer,
    expected: false,
  },
  'serverAuth only': { der: certificateWith([eku(SERVER_AUTH)]), expected: false },
  'serverAuth and codeSigning': { der: certificateWith([eku(SERVER_AUTH, OID.codeSigning)]), expected: true },
  anyExtendedKeyUsage: { der: certificateWith([eku(ANY_EXTENDED_KEY_USAGE)]), expected: true },
  'an empty usage list': { der: certificateWith([rawEku(Buffer.from([0x30, 0x00]))]), expected: false },
  'a usage list holding a non-OID': {
    der: certificateWith([rawEku(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]))]),
    expected: false,
  },
  'a value that is not a SEQUENCE': {
    der: certificateWith([
      rawEku(Buffer.from(AsnConvert.serialize(new OctetString(new Uint8Array([1, 2]))))),
    ]),
    expected: false,
  },
  'a SEQUENCE followed by trailing bytes': {
    der: certificateWith([
      rawEku(
        Buffer.concat([
          Buffer.from(AsnConvert.serialize(new ExtendedKeyUsage([OID.codeSigning]))),
          Buffer.from([0x05, 0x00]),
        ]),
      ),
    ]),
    expected: false,
    stricter: true,
  },
  'the extension twice (RFC 5280 forbids it)': {
    der: certificateWith([eku(OID.codeSigning), eku(OID.codeSigning)]),
    expected: false,
  },
};

describe('allowsCodeSigning', () => {
  it.each(Object.keys(cases))('on %s: the same answer as OpenSSL, or a stricter one', (name) => {
    const { der, expected, stricter } = cases[name]!;
    const ours = allowsCodeSigning(X509Certificate.parse(Buffer.from(der)));
    expect(ours).toBe(expected);
    let openssl: boolean;
    try {
      openssl = opensslAllowsCodeSigning(der);
    } catch {
      openssl = false; // OpenSSL refusing the certificate was a rejection too.
    }
    // Never more permissive than the former implementation.
    if (ours) expect(openssl).toBe(true);
    expect(ours).toBe(stricter === true ? false : openssl);
    if (stricter === true) expect(openssl).toBe(true);
  });
});
