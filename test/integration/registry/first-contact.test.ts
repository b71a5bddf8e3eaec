import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryConfig } from '../../../src/config/index.js';
import { createRegistryClient, type RegistryClient } from '../../../src/registry/index.js';
import {
  buildImage,
  buildIndex,
  FOUR_PLATFORMS,
  MT,
  pushIndex,
  startTestRegistry,
  startTokenAuthRegistry,
  writeHtpasswd,
  type BuiltIndex,
  type PushTarget,
  type TestRegistry,
  type TokenServer,
} from '../../support/registry/index.js';
import { startFakeRegistry, type FakeRegistry } from './fake-registry.js';
import { startRecordingProxy, type RecordingProxy, type SeenRequest } from './recording-proxy.js';
import { testRegistryConfig } from './test-config.js';

/**
 * The first request to a registry is the handshake: no `GET /v2/` ping, the real request goes out
 * anonymously and its 401 (if any) says how to authenticate. Real registries (Debian's
 * docker-registry: open, htpasswd, and `auth: token`) behind a proxy that records what was sent.
 */
/** Test settings on top of `testRegistryConfig`, which sets the insecure hosts itself. */
type Overrides = Omit<Partial<RegistryConfig>, 'insecureRegistries'>;

const USER = 'first-contact-reader';
const PASSWORD = 'first-c0ntact-Secret';

const withoutPing = (requests: readonly SeenRequest[]) => {
  expect(requests.map((r) => r.path)).not.toContain('/v2/');
  return requests;
};

/** The tag and the four platform manifests by digest: five distinct requests to one repository. */
function allOf(index: BuiltIndex): { reference: string; digest: string }[] {
  return [
    { reference: 'v1', digest: index.digest },
    ...index.images.map((image) => ({ reference: image.digest, digest: image.digest })),
  ];
}

async function fetchAllAtOnce(
  client: RegistryClient,
  registry: string,
  repository: string,
  index: BuiltIndex,
) {
  const wanted = allOf(index);
  const fetched = await Promise.all(
    wanted.map(({ reference }) => client.fetchManifest({ registry, repository }, reference)),
  );
  expect(fetched.map((m) => m.digest)).toEqual(wanted.map((w) => w.digest));
}

describe('first contact with a registry', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-first-contact-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  async function authFileFor(host: string, name: string, password = PASSWORD): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, JSON.stringify({ auths: { [host]: { username: USER, password } } }));
    return path;
  }

  describe('when the registry is anonymous', () => {
    let registry: TestRegistry;
    let proxy: RecordingProxy;
    const index = buildIndex(FOUR_PLATFORMS.map((p) => buildImage(p, 'oci')));
    beforeAll(async () => {
      registry = await startTestRegistry();
      proxy = await startRecordingProxy(registry.url);
      await pushIndex({ url: registry.url }, 'open/app', index, 'v1');
    });
    afterAll(async () => {
      await proxy?.stop();
      await registry?.stop();
    });
    const client = (overrides: Overrides = {}) =>
      createRegistryClient(testRegistryConfig({ insecureRegistries: [proxy.host], ...overrides }));

    it('sends the first request straight to the manifest, with no GET /v2/ before it', async () => {
      proxy.reset();
      const fresh = client();
      const fetched = await fresh.fetchManifest({ registry: proxy.host, repository: 'open/app' }, 'v1');
      expect(fetched.digest).toBe(index.digest);
      expect(proxy.requests).toEqual([{ path: '/v2/open/app/manifests/v1', status: 200, auth: 'none' }]);
    });

    it('never sends the credentials it holds for the registry, because the registry never asked', async () => {
      proxy.reset();
      const fresh = client({ authFile: await authFileFor(proxy.host, 'open.json') });
      await fetchAllAtOnce(fresh, proxy.host, 'open/app', index);
      await fresh.fetchManifest({ registry: proxy.host, repository: 'open/app' }, 'v1');
      expect(proxy.requests.length).toBe(6);
      expect(proxy.requests.every((r) => r.auth === 'none' && r.status === 200)).toBe(true);
    });

    it('answers concurrent first requests correctly, each with a single request', async () => {
      proxy.reset();
      await fetchAllAtOnce(client(), proxy.host, 'open/app', index);
      const requests = withoutPing(proxy.requests);
      expect(requests.length).toBe(5);
      expect(requests.every((r) => r.status === 200 && r.auth === 'none')).toBe(true);
    });
  });

  describe('when the registry requires Basic auth (htpasswd)', () => {
    let registry: TestRegistry;
    let proxy: RecordingProxy;
    const index = buildIndex(FOUR_PLATFORMS.map((p) => buildImage(p, 'oci')));
    beforeAll(async () => {
      const htpasswdPath = await writeHtpasswd(dir, [{ username: USER, password: PASSWORD }]);
      registry = await startTestRegistry({ htpasswdPath });
      proxy = await startRecordingProxy(registry.url);
      const authorization = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
      await pushIndex({ url: registry.url, authorization }, 'basic/app', index, 'v1');
    });
    afterAll(async () => {
      await proxy?.stop();
      await registry?.stop();
    });
    const client = async (name: string, password = PASSWORD) =>
      createRegistryClient(
        testRegistryConfig({
          insecureRegistries: [proxy.host],
          authFile: await authFileFor(proxy.host, name, password),
        }),
      );
    const repo = () => ({ registry: proxy.host, repository: 'basic/app' });

    it('answers the first request after one 401, then sends Basic up front', async () => {
      const fresh = await client('basic-first.json');
      proxy.reset();
      expect((await fresh.fetchManifest(repo(), 'v1')).digest).toBe(index.digest);
      expect(proxy.requests).toEqual([
        { path: '/v2/basic/app/manifests/v1', status: 401, auth: 'none' },
        { path: '/v2/basic/app/manifests/v1', status: 200, auth: 'basic' },
      ]);

      proxy.reset();
      const child = index.images[0]!.digest;
      expect((await fresh.fetchManifest(repo(), child)).digest).toBe(child);
      expect(proxy.requests).toEqual([
        { path: `/v2/basic/app/manifests/${child}`, status: 200, auth: 'basic' },
      ]);
    });

    it('answers concurrent first requests correctly with a single 401, sending Basic only after it', async () => {
      const fresh = await client('basic-concurrent.json');
      proxy.reset();
      await fetchAllAtOnce(fresh, proxy.host, 'basic/app', index);
      const requests = withoutPing(proxy.requests);
      expect(requests[0]).toMatchObject({ status: 401, auth: 'none' });
      expect(requests.slice(1).every((r) => r.status === 200 && r.auth === 'basic')).toBe(true);
      expect(requests.length).toBe(6); // one 401, then each of the five once
    });

    it('gives up after the one 401 when it holds no credentials', async () => {
      const anonymous = createRegistryClient(testRegistryConfig({ insecureRegistries: [proxy.host] }));
      proxy.reset();
      await expect(anonymous.fetchManifest(repo(), 'v1')).rejects.toMatchObject({
        code: 'REGISTRY_UNAUTHORIZED',
        status: 401,
      });
      expect(proxy.requests).toEqual([{ path: '/v2/basic/app/manifests/v1', status: 401, auth: 'none' }]);
    });

    it('sends refused credentials once per request, never twice in a row', async () => {
      const wrong = await client('basic-wrong.json', 'not-the-password');
      proxy.reset();
      await expect(wrong.fetchManifest(repo(), 'v1')).rejects.toMatchObject({
        code: 'REGISTRY_UNAUTHORIZED',
        status: 401,
      });
      expect(proxy.requests.map((r) => [r.status, r.auth])).toEqual([
        [401, 'none'],
        [401, 'basic'],
      ]);
      proxy.reset();
      await expect(wrong.fetchManifest(repo(), 'v1')).rejects.toMatchObject({
        code: 'REGISTRY_UNAUTHORIZED',
      });
      expect(proxy.requests.map((r) => [r.status, r.auth])).toEqual([[401, 'basic']]);
    });
  });

  describe('when the registry uses token auth (auth: token)', () => {
    let tokens: TokenServer;
    let registry: TestRegistry;
    let proxy: RecordingProxy;
    const index = buildIndex(FOUR_PLATFORMS.map((p) => buildImage(p, 'oci')));
    const other = buildIndex([buildImage(FOUR_PLATFORMS[1]!, 'oci')]);
    beforeAll(async () => {
      ({ tokens, registry } = await startTokenAuthRegistry(dir, { username: USER, password: PASSWORD }));
      proxy = await startRecordingProxy(registry.url);
      const target = async (repository: string): Promise<PushTarget> => ({
        url: registry.url,
        authorization: `Bearer ${await tokens.issue(repository, ['pull', 'push'])}`,
      });
      await pushIndex(await target('token/app'), 'token/app', index, 'v1');
      await pushIndex(await target('token/other'), 'token/other', other, 'v1');
    });
    afterAll(async () => {
      await proxy?.stop();
      await registry?.stop();
      await tokens?.stop();
    });
    const client = async (name: string) =>
      createRegistryClient(
        testRegistryConfig({
          insecureRegistries: [proxy.host, tokens.host],
          authFile: await authFileFor(proxy.host, name),
        }),
      );
    const repo = (repository = 'token/app') => ({ registry: proxy.host, repository });

    it('answers the first request after one 401 and one token, then sends the token up front', async () => {
      const fresh = await client('token-first.json');
      const before = tokens.requests;
      proxy.reset();
      expect((await fresh.fetchManifest(repo(), 'v1')).digest).toBe(index.digest);
      expect(proxy.requests).toEqual([
        { path: '/v2/token/app/manifests/v1', status: 401, auth: 'none' },
        { path: '/v2/token/app/manifests/v1', status: 200, auth: 'bearer' },
      ]);
      expect(tokens.requests - before).toBe(1);

      proxy.reset();
      const child = index.images[0]!.digest;
      expect((await fresh.fetchManifest(repo(), child)).digest).toBe(child);
      expect(proxy.requests).toEqual([
        { path: `/v2/token/app/manifests/${child}`, status: 200, auth: 'bearer' },
      ]);
      expect(tokens.requests - before).toBe(1);
    });

    it('answers concurrent first requests to two repositories with a single 401 and one token per repository', async () => {
      const fresh = await client('token-concurrent.json');
      const before = tokens.requests;
      proxy.reset();
      const [, otherManifest] = await Promise.all([
        fetchAllAtOnce(fresh, proxy.host, 'token/app', index),
        fresh.fetchManifest(repo('token/other'), 'v1'),
      ]);
      expect(otherManifest.digest).toBe(other.digest);
      const requests = withoutPing(proxy.requests);
      expect(requests.filter((r) => r.status === 401)).toHaveLength(1);
      expect(requests[0]).toMatchObject({ status: 401, auth: 'none' });
      expect(requests.slice(1).every((r) => r.status === 200 && r.auth === 'bearer')).toBe(true);
      expect(requests.length).toBe(7); // one 401, then each of the six once
      expect(tokens.requests - before).toBe(2);
      expect(new Set(tokens.scopes.slice(before))).toEqual(
        new Set(['repository:token/app:pull', 'repository:token/other:pull']),
      );
    });
  });

  describe('when the registry misbehaves on first contact', () => {
    let fake: FakeRegistry;
    const image = buildImage(FOUR_PLATFORMS[0]!, 'oci');
    beforeAll(async () => {
      fake = await startFakeRegistry();
    });
    afterAll(async () => fake?.stop());
    const client = (overrides: Overrides = {}) =>
      createRegistryClient(testRegistryConfig({ insecureRegistries: [fake.host], ...overrides }));
    const repo = () => ({ registry: fake.host, repository: 'app/x' });
    const serveManifest = (res: ServerResponse) =>
      void res.writeHead(200, { 'content-type': MT.ociManifest }).end(Buffer.from(image.manifest));

    it.each([
      ['a scheme we do not speak', { 'www-authenticate': 'Negotiate' }],
      ['no challenge at all', {}],
    ])('answers a 401 with %s with REGISTRY_UNAUTHORIZED, saying so', async (_what, headers) => {
      fake.handle((_req, res) => void res.writeHead(401, headers).end());
      const error = await client()
        .fetchManifest(repo(), image.digest)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'REGISTRY_UNAUTHORIZED', status: 401 });
      expect((error as Error).message).toContain('requires authentication we do not support');
      expect(fake.requests.map((r) => r.path)).toEqual([`/v2/app/x/manifests/${image.digest}`]);
    });

    it('treats a second 401 after a token as final, without the token in the error', async () => {
      const token = 'first-contact-secret-token';
      fake.handle((_req, res, path) => {
        if (path.startsWith('/token')) return void res.writeHead(200).end(JSON.stringify({ token }));
        res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${fake.host}/token",service="fake"` });
        res.end();
      });
      const error = await client()
        .fetchManifest(repo(), image.digest)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'REGISTRY_UNAUTHORIZED', status: 401 });
      expect(JSON.stringify(error) + String((error as Error).message)).not.toContain(token);
      const manifests = fake.requests.filter((r) => r.path.includes('/manifests/'));
      expect(manifests.map((r) => r.headers.authorization)).toEqual([undefined, `Bearer ${token}`]);
    });

    it('lets the requests waiting on a failed first contact go out and succeed', async () => {
      let calls = 0;
      fake.handle((_req, res) => (++calls === 1 ? void res.writeHead(503).end() : serveManifest(res)));
      const fresh = client({ maxRetries: 0 });
      const outcomes = await Promise.allSettled(
        [1, 2, 3, 4].map(() => fresh.fetchManifest(repo(), image.digest)),
      );
      expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: { code: 'REGISTRY_UNAVAILABLE' } });
      expect(outcomes.slice(1).every((o) => o.status === 'fulfilled')).toBe(true);
      expect(fake.requests.map((r) => r.path)).not.toContain('/v2/');
    });

    it('lets a request waiting on a first contact be cancelled at once', async () => {
      fake.handle(() => undefined); // never answers
      const patient = client({ requestTimeoutMs: 10_000 });
      const first = new AbortController();
      const second = new AbortController();
      const firstOutcome = patient
        .fetchManifest(repo(), image.digest, { signal: first.signal })
        .catch((e) => e);
      const waiting = patient.fetchManifest(repo(), image.digest, { signal: second.signal });
      setTimeout(() => second.abort(), 50);
      const started = Date.now();
      await expect(waiting).rejects.toMatchObject({ code: 'REGISTRY_ABORTED' });
      expect(Date.now() - started).toBeLessThan(1000);
      expect(fake.requests).toHaveLength(1); // only the first contact went out
      first.abort();
      expect(await firstOutcome).toMatchObject({ code: 'REGISTRY_ABORTED' });
    });
  });
});
