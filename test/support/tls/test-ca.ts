import { webcrypto } from 'node:crypto';

type Crypto = webcrypto.Crypto;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
import * as x509 from '@peculiar/x509';

/**
 * A throwaway certificate authority for TLS tests (a private registry's CA), built with node's
 * WebCrypto and @peculiar/x509: ECDSA P-256 keys, certificates valid from an hour ago for a day unless
 * a test asks otherwise.
 */
export interface TestCertificateAuthority {
  /** The CA certificate, PEM: what an operator would put in IMPRIMATUR_REGISTRY_CA_FILE. */
  readonly certificatePem: string;
  /** A server certificate for `ipAddresses`/`dnsNames`, signed by this CA. */
  issueServerCertificate(options: ServerCertificateOptions): Promise<ServerCertificate>;
}

export interface ServerCertificateOptions {
  readonly ipAddresses?: readonly string[];
  readonly dnsNames?: readonly string[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

export interface ServerCertificate {
  readonly certificatePem: string;
  /** PKCS#8 PEM (`PRIVATE KEY`), as Go's `tls.LoadX509KeyPair` and Node read it. */
  readonly keyPem: string;
}

const crypto = webcrypto as unknown as Crypto;
const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const HOUR_MS = 3_600_000;

function pem(label: string, der: ArrayBuffer): string {
  const base64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${base64.trimEnd()}\n-----END ${label}-----\n`;
}

const generateKeys = () =>
  crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

export async function createTestCertificateAuthority(
  commonName = 'imprimatur test registry CA',
): Promise<TestCertificateAuthority> {
  const caKeys = await generateKeys();
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: `CN=${commonName}`,
      keys: caKeys,
      signingAlgorithm: SIGNING,
      notBefore: new Date(now - HOUR_MS),
      notAfter: new Date(now + 24 * HOUR_MS),
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return {
    certificatePem: ca.toString('pem') + '\n',
    async issueServerCertificate(options) {
      const keys = await generateKeys();
      const names = [
        ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
        ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
      ];
      const certificate = await x509.X509CertificateGenerator.create(
        {
          subject: `CN=${names[0]?.value ?? 'test server'}`,
          issuer: ca.subject,
          publicKey: keys.publicKey,
          signingKey: caKeys.privateKey,
          signingAlgorithm: SIGNING,
          notBefore: options.notBefore ?? new Date(Date.now() - HOUR_MS),
          notAfter: options.notAfter ?? new Date(Date.now() + 24 * HOUR_MS),
          extensions: [
            new x509.BasicConstraintsExtension(false, undefined, true),
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
            new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
            new x509.SubjectAlternativeNameExtension(names),
            await x509.AuthorityKeyIdentifierExtension.create(ca, false, crypto),
          ],
        },
        crypto,
      );
      return {
        certificatePem: certificate.toString('pem') + '\n',
        keyPem: pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', keys.privateKey)),
      };
    },
  };
}
