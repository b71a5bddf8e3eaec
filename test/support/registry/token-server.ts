import { webcrypto } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

/**
 * A token endpoint for distribution's `auth: token` mode, for tests. It issues ES256 JWTs that
 * distribution 2.8 accepts (registry/auth/token/token.go): header `x5c` carrying the signing
 * certificate, which must chain to the `rootcertbundle`; claims `iss`, `aud` (= the service), `exp`/`nbf`
 * (checked with 60 s leeway), and `access: [{type: "repository", name, actions}]`. The signature is
 * JOSE's raw r||s form, which is what WebCrypto's ECDSA produces.
 */
export interface TokenServerOptions {
  /** Directory for the root certificate bundle file. */
  readonly dir: string;
  readonly service?: string;
  readonly issuer?: string;
  /** When set, `/token` answers 401 unless these Basic credentials are sent. */
  readonly credentials?: { readonly username: string; readonly password: string };
  /** `expires_in` of issued tokens, seconds. Default 300. */
  readonly lifetimeSeconds?: number;
}

export interface TokenServer {
  /** `http://127.0.0.1:PORT/token`, the `realm` for the registry config. */
  readonly realm: string;
  /** `127.0.0.1:PORT` */
  readonly host: string;
  readonly service: string;
  readonly issuer: string;
  readonly rootCertBundlePath: string;
  /** `/token` requests received (whatever their outcome), so tests can assert caching. */
  readonly requests: number;
  /** Scopes requested, in order. */
  readonly scopes: readonly string[];
  /** A token with the given actions on `repository`, minted directly (for pushing fixtures). */
  issue(repository: string, actions: readonly string[]): Promise<string>;
  stop(): Promise<void>;
}

const subtle = webcrypto.subtle;
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;

function b64url(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString('base64url');
}

async function makeChain(): Promise<{ rootPem: string; leafDer: Uint8Array; leafKey: CryptoKey }> {
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = new Date(Date.now() + 24 * 60 * 60 * 1000);
  const rootKeys = (await subtle.generateKey(ECDSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=imprimatur test token CA',
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING,
    keys: rootKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const leafKeys = (await subtle.generateKey(ECDSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=imprimatur test token signer',
    issuer: root.subject,
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING,
    publicKey: leafKeys.publicKey,
    signingKey: rootKeys.privateKey,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  return {
    rootPem: root.toString('pem'),
    leafDer: new Uint8Array(leaf.rawData),
    leafKey: leafKeys.privateKey,
  };
}

function basicMatches(req: IncomingMessage, credentials: TokenServerOptions['credentials']): boolean {
  if (credentials === undefined) return true;
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  return req.headers.authorization === expected;
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const service = options.service ?? 'imprimatur-test-registry';
  const issuer = options.issuer ?? 'imprimatur-test-token-issuer';
  const lifetime = options.lifetimeSeconds ?? 300;
  const { rootPem, leafDer, leafKey } = await makeChain();
  const rootCertBundlePath = join(options.dir, 'token-root.pem');
  await writeFile(rootCertBundlePath, rootPem);
  let requests = 0;
  const scopes: string[] = [];
  let jti = 0;

  async function mint(repository: string, actions: readonly string[]): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [Buffer.from(leafDer).toString('base64')] };
    const claims = {
      iss: issuer,
      sub: options.credentials?.username ?? 'anonymous',
      aud: service,
      exp: now + lifetime,
      nbf: now - 1,
      iat: now,
      jti: `imprimatur-test-${++jti}`,
      access: [{ type: 'repository', name: repository, actions: [...actions] }],
    };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = await subtle.sign(SIGNING, leafKey, Buffer.from(signingInput));
    return `${signingInput}.${b64url(new Uint8Array(signature))}`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://token.invalid');
    if (url.pathname !== '/token') return void res.writeHead(404).end();
    requests++;
    if (!basicMatches(req, options.credentials)) {
      return void res.writeHead(401, { 'www-authenticate': 'Basic realm="token"' }).end();
    }
    if (url.searchParams.get('service') !== service) return void res.writeHead(400).end('wrong service');
    const scope = url.searchParams.get('scope') ?? '';
    scopes.push(scope);
    const match = /^repository:([^:]+):[a-z,*]+$/.exec(scope);
    const token = await mint(match?.[1] ?? '', match === null ? [] : ['pull', 'push']);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token, expires_in: lifetime, issued_at: new Date().toISOString() }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    host: `127.0.0.1:${port}`,
    service,
    issuer,
    rootCertBundlePath,
    get requests() {
      return requests;
    },
    get scopes() {
      return [...scopes];
    },
    issue: mint,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
