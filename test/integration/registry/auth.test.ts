import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient, RegistryError } from '../../../src/registry/index.js';
import {
  buildImage,
  FOUR_PLATFORMS,
  pushImage,
  sha256Digest,
  startTestRegistry,
  writeHtpasswd,
  type TestRegistry,
  type TokenServer,
} from '../../support/registry/index.js';
import { testRegistryConfig } from './test-config.js';
import { startTokenAuthRegistry } from '../../support/registry/token-registry.js';

const USER = 'imprimatur-reader';
const PASSWORD = 'pa55-W0rd-that-must-never-leak';

async function dockerConfig(dir: string, name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Asserts a secret appears nowhere in an error: message, JSON form, stack, nor its cause chain. */
function expectNoSecret(error: unknown, secret: string): void {
  expect(error).toBeInstanceOf(RegistryError);
  const e = error as RegistryError;
  const seen = [
    e.message,
    JSON.stringify(e),
    String(e.stack),
    JSON.stringify(e.cause ?? null),
    String(e.cause ?? ''),
  ];
  for (const text of seen) expect(text).not.toContain(secret);
}

describe('a registry requiring Basic auth (htpasswd)', () => {
  let dir: string;
  let registry: TestRegistry;
  const image = buildImage(FOUR_PLATFORMS[0]!, 'oci');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-basic-'));
    const htpasswdPath = await writeHtpasswd(dir, [{ username: USER, password: PASSWORD }]);
    registry = await startTestRegistry({ htpasswdPath });
    await pushImage({ url: registry.url, authorization: basic(USER, PASSWORD) }, 'private/app', image, 'v1');
  });
  afterAll(async () => {
    await registry?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe('with credentials in a docker config.json (base64 auth)', () => {
    it('fetches the manifest', async () => {
      const authFile = await dockerConfig(dir, 'auth.json', {
        auths: { [registry.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } },
      });
      const client = createRegistryClient(
        testRegistryConfig({ insecureRegistries: [registry.host], authFile }),
      );
      const fetched = await client.fetchManifest(
        { registry: registry.host, repository: 'private/app' },
        'v1',
      );
      expect(fetched.digest).toBe(image.digest);
    });
  });

  describe('with username/password fields under an http:// key', () => {
    it('fetches the manifest', async () => {
      const authFile = await dockerConfig(dir, 'fields.json', {
        auths: { [`http://${registry.host}/v2/`]: { username: USER, password: PASSWORD } },
      });
      const client = createRegistryClient(
        testRegistryConfig({ insecureRegistries: [registry.host], authFile }),
      );
      const fetched = await client.fetchManifest(
        { registry: registry.host, repository: 'private/app' },
        image.digest,
      );
      expect(fetched.digest).toBe(image.digest);
    });
  });

  describe('without credentials (no auth file)', () => {
    it('fails with REGISTRY_UNAUTHORIZED and status 401', async () => {
      const client = createRegistryClient(testRegistryConfig({ insecureRegistries: [registry.host] }));
      const error = await client
        .fetchManifest({ registry: registry.host, repository: 'private/app' }, 'v1')
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'REGISTRY_UNAUTHORIZED', status: 401 });
    });
  });

  describe('with a wrong password', () => {
    it('fails with REGISTRY_UNAUTHORIZED and never shows the password', async () => {
      const wrong = 'Wr0ng-secret-password-xyz';
      const authFile = await dockerConfig(dir, 'wrong.json', {
        auths: { [registry.host]: { username: USER, password: wrong } },
      });
      const client = createRegistryClient(
        testRegistryConfig({ insecureRegistries: [registry.host], authFile }),
      );
      const error = await client
        .fetchManifest({ registry: registry.host, repository: 'private/app' }, 'v1')
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'REGISTRY_UNAUTHORIZED', status: 401 });
      expectNoSecret(error, wrong);
      expectNoSecret(error, Buffer.from(`${USER}:${wrong}`).toString('base64'));
    });
  });

  describe('with a malformed auth file', () => {
    it('fails with AUTH_CONFIG_INVALID naming the file, without its content', async () => {
      const authFile = await dockerConfig(dir, 'broken.json', `{"auths": {"x": {"auth": "${PASSWORD}"`);
      const client = createRegistryClient(
        testRegistryConfig({ insecureRegistries: [registry.host], authFile }),
      );
      const error = await client
        .fetchManifest({ registry: registry.host, repository: 'private/app' }, 'v1')
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'AUTH_CONFIG_INVALID' });
      expect((error as Error).message).toContain(authFile);
      expectNoSecret(error, PASSWORD);
    });
  });
});

describe('a registry using token auth (distribution auth: token)', () => {
  let dir: string;
  let tokens: TokenServer;
  let registry: TestRegistry;
  const image = buildImage(FOUR_PLATFORMS[2]!, 'oci');
  const other = buildImage(FOUR_PLATFORMS[3]!, 'oci');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-token-'));
    ({ tokens, registry } = await startTokenAuthRegistry(dir, { username: USER, password: PASSWORD }));
    const push = async (repository: string, built: typeof image) =>
      pushImage(
        { url: registry.url, authorization: `Bearer ${await tokens.issue(repository, ['pull', 'push'])}` },
        repository,
        built,
        'v1',
      );
    await push('team/app', image);
    await push('team/other', other);
  });
  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('gets a token for repository:<repo>:pull with Basic credentials, and reuses it while valid', async () => {
    const authFile = await dockerConfig(dir, 'token-auth.json', {
      auths: { [registry.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } },
    });
    const client = createRegistryClient(
      testRegistryConfig({ insecureRegistries: [registry.host, tokens.host], authFile }),
    );
    const before = tokens.requests;
    const repo = { registry: registry.host, repository: 'team/app' };
    expect((await client.fetchManifest(repo, 'v1')).digest).toBe(image.digest);
    expect((await client.fetchManifest(repo, image.digest)).digest).toBe(image.digest);
    const config = await client.fetchBlob(repo, sha256Digest(image.config), { maxBytes: 65536 });
    expect(config.length).toBe(image.config.length);
    expect(tokens.requests - before).toBe(1);
    expect(tokens.scopes.at(-1)).toBe('repository:team/app:pull');

    // Another repository is another scope: one more token.
    expect(
      (await client.fetchManifest({ registry: registry.host, repository: 'team/other' }, 'v1')).digest,
    ).toBe(other.digest);
    expect(tokens.requests - before).toBe(2);
    expect(tokens.scopes.at(-1)).toBe('repository:team/other:pull');
  });

  it('fetches a fresh token once the cached one has expired', async () => {
    const authFile = await dockerConfig(dir, 'token-expiry.json', {
      auths: { [registry.host]: { username: USER, password: PASSWORD } },
    });
    let clock = Date.now();
    const client = createRegistryClient(
      testRegistryConfig({ insecureRegistries: [registry.host, tokens.host], authFile }),
      { now: () => clock },
    );
    const repo = { registry: registry.host, repository: 'team/app' };
    const before = tokens.requests;
    await client.fetchManifest(repo, 'v1');
    await client.fetchManifest(repo, 'v1');
    expect(tokens.requests - before).toBe(1);
    clock += 300_000; // the token server's expires_in
    await client.fetchManifest(repo, 'v1');
    expect(tokens.requests - before).toBe(2);
  });

  it('fails with REGISTRY_UNAUTHORIZED when the token endpoint refuses, without leaking the password', async () => {
    const wrong = 'n0t-the-right-one-Secret';
    const authFile = await dockerConfig(dir, 'token-wrong.json', {
      auths: { [registry.host]: { username: USER, password: wrong } },
    });
    const client = createRegistryClient(
      testRegistryConfig({ insecureRegistries: [registry.host, tokens.host], authFile }),
    );
    const error = await client
      .fetchManifest({ registry: registry.host, repository: 'team/app' }, 'v1')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REGISTRY_UNAUTHORIZED', status: 401 });
    expectNoSecret(error, wrong);
  });

  it('refuses to send credentials to a plain-HTTP token realm that is not configured insecure', async () => {
    const authFile = await dockerConfig(dir, 'token-insecure.json', {
      auths: { [registry.host]: { username: USER, password: PASSWORD } },
    });
    const client = createRegistryClient(
      testRegistryConfig({ insecureRegistries: [registry.host], authFile }),
    );
    const failure = client.fetchManifest({ registry: registry.host, repository: 'team/app' }, 'v1');
    await expect(failure).rejects.toMatchObject({ code: 'INSECURE_REGISTRY' });
  });
});
