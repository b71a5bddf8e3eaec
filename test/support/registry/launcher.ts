import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { freePort } from './free-port.js';

/**
 * Starts Debian's `docker-registry` (CNCF distribution 2.8) on 127.0.0.1 with temporary storage, for
 * integration tests. Nothing is mocked: the service under test talks HTTP to a real registry.
 */
export interface TestRegistryOptions {
  /** `htpasswd` file (bcrypt entries) to require Basic auth. */
  readonly htpasswdPath?: string;
  /** distribution `auth: token` settings, for the bearer-token flow. */
  readonly token?: { realm: string; service: string; issuer: string; rootCertBundlePath: string };
  /** Loopback port to listen on; unset or 0 = a free one (tests). The demo fixes it so the README's commands name it. */
  readonly port?: number;
  /**
   * Serve HTTPS with this certificate and key (PEM files); `caPem` is the CA that issued it, used
   * only to check that the registry is up.
   */
  readonly tls?: { readonly certificatePath: string; readonly keyPath: string; readonly caPem: string };
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`: the registry host as it appears in image references. */
  readonly host: string;
  /** `http://127.0.0.1:PORT` (`https://` with the `tls` option) */
  readonly url: string;
  /** Filesystem storage root (`<root>/docker/registry/v2/...`), for tests that place content directly. */
  readonly storageRoot: string;
  stop(): Promise<void>;
}

export const REGISTRY_BINARY = process.env.IMPRIMATUR_TEST_REGISTRY_BIN ?? 'docker-registry';

function configYaml(port: number, storageRoot: string, options: TestRegistryOptions): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storageRoot}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
  ];
  if (options.tls !== undefined) {
    lines.push(
      '  tls:',
      `    certificate: ${options.tls.certificatePath}`,
      `    key: ${options.tls.keyPath}`,
    );
  }
  if (options.htpasswdPath !== undefined) {
    lines.push('auth:', '  htpasswd:', '    realm: imprimatur-test', `    path: ${options.htpasswdPath}`);
  } else if (options.token !== undefined) {
    const t = options.token;
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${t.realm}`,
      `    service: ${t.service}`,
      `    issuer: ${t.issuer}`,
      `    rootcertbundle: ${t.rootCertBundlePath}`,
    );
  }
  return lines.join('\n') + '\n';
}

async function waitUntilUp(
  url: string,
  child: ChildProcess,
  output: () => string,
  caPem: string | undefined,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  // Over HTTPS, trust exactly the test CA (and close the pool afterwards: it is ours).
  const dispatcher = caPem === undefined ? undefined : new Agent({ connect: { ca: caPem } });
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${output()}`);
      try {
        const res = await request(`${url}/v2/`, dispatcher === undefined ? {} : { dispatcher });
        await res.body.dump();
        // 200 when open, 401 when auth is configured: either way it is serving.
        if (res.statusCode === 200 || res.statusCode === 401) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await dispatcher?.close();
  }
  throw new Error(`docker-registry did not come up on ${url}: ${output()}`);
}

export async function startTestRegistry(options: TestRegistryOptions = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'imprimatur-registry-'));
  const storageRoot = join(dir, 'storage');
  const port = options.port !== undefined && options.port !== 0 ? options.port : await freePort();
  const configPath = join(dir, 'config.yml');
  await writeFile(configPath, configYaml(port, storageRoot, options));
  const child = spawn(REGISTRY_BINARY, ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (err) =>
      reject(
        new Error(
          `cannot start ${REGISTRY_BINARY} (${err.message}); install it with: apt-get install docker-registry`,
        ),
      ),
    ),
  );
  const url = `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
  await Promise.race([waitUntilUp(url, child, () => log, options.tls?.caPem), spawnError]);
  return {
    host: `127.0.0.1:${port}`,
    url,
    storageRoot,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
