import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildImage,
  buildIndex,
  FOUR_PLATFORMS,
  pushIndex,
  startTestRegistry,
  writeHtpasswd,
  type BuiltIndex,
  type TestRegistry,
} from '../../support/registry/index.js';
import { REPO_ROOT } from '../../support/paths.js';
import { startTestService, type TestService } from '../../support/service.js';
import {
  createTestSigstore,
  pushBundleReferrer,
  pushLegacySignatures,
} from '../../support/sigstore/index.js';
import { createTestCertificateAuthority } from '../../support/tls/test-ca.js';

/**
 * A private registry as companies run them: Debian's `docker-registry` serving HTTPS with a
 * certificate from a private CA, behind htpasswd Basic auth, holding the seed world (the cosign TIL's
 * 4-platform `aquasec/trivy:0.70.0` index, signed as a legacy `.sig` and as a bundle referrer).
 * With the CA given in IMPRIMATUR_REGISTRY_CA_FILE the service verifies it; without, it says the
 * certificate is not trusted, once, and that retrying will not help.
 */
const USER = 'tls-reader';
const PASSWORD = 'tls-secret-that-must-never-leak';
const REPOSITORY = 'aquasec/trivy';
const TAG = '0.70.0';
const SAN = 'https://github.com/aquasecurity/trivy/.github/workflows/reusable-release.yaml@refs/tags/v0.70.0';
const ISSUER = 'https://token.actions.githubusercontent.com';
const POLICY = {
  certificateIdentityRegexp: 'https://github.com/aquasecurity/.*',
  certificateOidcIssuer: ISSUER,
};

/** A TCP pass-through that counts connections: TLS is end to end, so each is one handshake attempt. */
async function startConnectionCounter(
  upstreamPort: number,
): Promise<{ host: string; connections: () => number; stop: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    connections += 1;
    const upstream = connect(upstreamPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('an HTTPS registry with a private CA and Basic auth', () => {
  let dir: string;
  let registry: TestRegistry;
  let counter: Awaited<ReturnType<typeof startConnectionCounter>>;
  let trusting: TestService;
  let untrusting: TestService;
  let previousDispatcher: Dispatcher;
  let pushes: Agent;
  let seed: BuiltIndex;
  /** What an operator would set: for the service process started with NODE_EXTRA_CA_CERTS. */
  let processEnv: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-registry-tls-'));
    const ca = await createTestCertificateAuthority();
    const server = await ca.issueServerCertificate({ ipAddresses: ['127.0.0.1'] });
    const caFile = join(dir, 'registry-ca.pem');
    const certificatePath = join(dir, 'registry.pem');
    const keyPath = join(dir, 'registry.key');
    await Promise.all([
      writeFile(caFile, ca.certificatePem),
      writeFile(certificatePath, server.certificatePem),
      writeFile(keyPath, server.keyPem, { mode: 0o600 }),
    ]);
    registry = await startTestRegistry({
      htpasswdPath: await writeHtpasswd(dir, [{ username: USER, password: PASSWORD }]),
      tls: { certificatePath, keyPath, caPem: ca.certificatePem },
    });
    // The fixtures push with fetch: for this file, fetch trusts the test CA (the service under test
    // has its own connection pool and does not see this).
    previousDispatcher = getGlobalDispatcher();
    pushes = new Agent({ connect: { ca: ca.certificatePem } });
    setGlobalDispatcher(pushes);
    const basic = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    const target = { url: registry.url, authorization: `Basic ${basic}` };
    const sigstore = createTestSigstore();
    const sign = () => sigstore.issueCertificate({ san: { uri: SAN }, issuer: ISSUER });
    seed = buildIndex(
      FOUR_PLATFORMS.map((p) => buildImage(p, 'docker')),
      'docker',
    );
    await pushIndex(target, REPOSITORY, seed, TAG);
    await pushLegacySignatures(target, REPOSITORY, seed.digest, [
      sigstore.signLegacy({
        imageDigest: seed.digest,
        dockerReference: `${registry.host}/${REPOSITORY}`,
        identity: sign(),
      }),
    ]);
    await pushBundleReferrer(
      target,
      REPOSITORY,
      seed,
      sigstore.signBundle({ imageDigest: seed.digest, identity: sign() }),
    );

    const authFile = join(dir, 'config.json');
    counter = await startConnectionCounter(Number(registry.host.split(':')[1]));
    await writeFile(
      authFile,
      JSON.stringify({ auths: { [registry.host]: { auth: basic }, [counter.host]: { auth: basic } } }),
    );
    const trustedRootPath = await sigstore.writeTrustedRoot(dir);
    processEnv = {
      NODE_EXTRA_CA_CERTS: caFile,
      IMPRIMATUR_ALLOWED_REGISTRIES: registry.host,
      IMPRIMATUR_REGISTRY_AUTH_FILE: authFile,
      IMPRIMATUR_TRUSTED_ROOT: trustedRootPath,
    };
    const config = { verification: { trustedRootPath, maxSignaturesPerDigest: 1000 } };
    // HTTPS (not insecure); loopback is reachable only because the hosts are listed.
    trusting = await startTestService({
      insecureRegistries: [],
      authFile,
      config,
      registryConfig: { allowedRegistries: [registry.host], caFile },
    });
    untrusting = await startTestService({
      insecureRegistries: [],
      authFile,
      config,
      registryConfig: { allowedRegistries: [counter.host] },
    });
  });
  afterAll(async () => {
    await trusting?.stop();
    await untrusting?.stop();
    await counter?.stop();
    await registry?.stop();
    if (previousDispatcher !== undefined) setGlobalDispatcher(previousDispatcher);
    await pushes?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('verifies the seed index when the CA is given in IMPRIMATUR_REGISTRY_CA_FILE', async () => {
    const { data, errors } = await trusting.graphql<{
      image: {
        digest: string;
        verification: { status: string; verified: boolean; signatures: { verified: boolean }[] };
      };
    }>(
      `query($ref: String!, $policy: PolicyInput!) {
         image(ref: $ref) { digest verification(policy: $policy) { status verified signatures { verified } } }
       }`,
      { ref: `${registry.host}/${REPOSITORY}:${TAG}`, policy: POLICY },
    );
    expect(errors).toBeUndefined();
    expect(data?.image.digest).toBe(seed.digest);
    expect(data?.image.verification).toMatchObject({ status: 'VERIFIED', verified: true });
    expect(data?.image.verification.signatures.map((s) => s.verified)).toEqual([true, true]);
  });

  it('answers REGISTRY_TLS_UNTRUSTED, not retryable and not retried, when the CA is not trusted', async () => {
    const before = counter.connections();
    const { data, errors } = await untrusting.graphql(
      `{ image(ref: "${counter.host}/${REPOSITORY}:${TAG}") { digest } }`,
    );
    expect(data).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors?.[0]?.extensions).toEqual({ code: 'REGISTRY_TLS_UNTRUSTED', retryable: false });
    expect(errors?.[0]?.message).toBe(
      `cannot read manifest ${counter.host}/${REPOSITORY}:${TAG}: the registry's TLS certificate is not issued by a ` +
        'certificate authority this service trusts (UNABLE_TO_VERIFY_LEAF_SIGNATURE); if the registry uses a ' +
        'private CA, give its certificate to the service with IMPRIMATUR_REGISTRY_CA_FILE',
    );
    // The test services retry network trouble once (maxRetries: 1): a certificate problem is not.
    expect(counter.connections() - before).toBe(1);
  });

  it('answers the same over REST, as a 502 problem that is not retryable', async () => {
    const ref = encodeURIComponent(`${counter.host}/${REPOSITORY}:${TAG}`);
    const res = await fetch(`${untrusting.url}/v1/images/${ref}`);
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: 'REGISTRY_TLS_UNTRUSTED', retryable: false });
  });

  it('verifies it too in a service process started with NODE_EXTRA_CA_CERTS instead', async () => {
    // Node reads NODE_EXTRA_CA_CERTS once, at process start: only a new process can show it works.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...processEnv,
        IMPRIMATUR_HOST: '127.0.0.1',
        IMPRIMATUR_PORT: '0',
        IMPRIMATUR_LOG_LEVEL: 'info',
        IMPRIMATUR_REGISTRY_CA_FILE: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const listening =
            /"msg":"imprimatur listening".*?"url":"([^"]+)"|"url":"([^"]+)".*?"msg":"imprimatur listening"/.exec(
              output,
            );
          if (listening !== null) resolve((listening[1] ?? listening[2]) as string);
        });
        child.once('exit', (code) => reject(new Error(`service exited ${code}: ${output}`)));
      });
      const res = await fetch(`${url}/v1/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ image: `${registry.host}/${REPOSITORY}:${TAG}`, policy: POLICY }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ verified: true, status: 'VERIFIED' });
    } finally {
      child.kill('SIGKILL');
    }
  }, 40_000);
});
