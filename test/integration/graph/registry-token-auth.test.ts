import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildImage,
  FOUR_PLATFORMS,
  buildIndex,
  pushIndex,
  startTokenAuthRegistry,
  type TestRegistry,
  type TokenServer,
} from '../../support/registry/index.js';
import { startTestService, type TestService } from '../../support/service.js';

const USER = 'graph-token-reader';
const PASSWORD = 'graph-token-secret-that-must-never-leak';

/**
 * The image graph in front of distribution's `auth: token`: the registry answers 401 with a Bearer
 * challenge, the service fetches a token from the realm (sending the Basic credentials of its Docker
 * config.json), and retries with it. The token server is a real one the test runs.
 */
describe('the image graph in front of a registry that uses the bearer token flow', () => {
  let dir: string;
  let tokens: TokenServer;
  let registry: TestRegistry;
  let anonymous: TestService;
  let authenticated: TestService;
  const index = buildIndex(
    FOUR_PLATFORMS.map((p) => buildImage(p, 'docker')),
    'docker',
  );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-graph-token-'));
    ({ tokens, registry } = await startTokenAuthRegistry(dir, { username: USER, password: PASSWORD }));
    const pushToken = await tokens.issue('private/app', ['pull', 'push']);
    await pushIndex({ url: registry.url, authorization: `Bearer ${pushToken}` }, 'private/app', index, 'v1');
    const authFile = join(dir, 'config.json');
    const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    await writeFile(authFile, JSON.stringify({ auths: { [registry.host]: { auth } } }));
    // The realm is plain HTTP on loopback, so it has to be listed like the registry itself.
    const insecureRegistries = [registry.host, tokens.host];
    anonymous = await startTestService({ insecureRegistries });
    authenticated = await startTestService({ insecureRegistries, authFile });
  });
  afterAll(async () => {
    await anonymous?.stop();
    await authenticated?.stop();
    await registry?.stop();
    await tokens?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  describe('with credentials for the token realm', () => {
    it('resolves the manifest list through a pull-scoped token', async () => {
      const before = tokens.requests;
      const { status, data, errors } = await authenticated.graphql<{
        image: { digest: string; manifestList: { manifests: { digest: string }[] } };
      }>(
        `{ image(ref: "${registry.host}/private/app:v1") { digest manifestList { manifests { digest } } } }`,
      );
      expect(status).toBe(200);
      expect(errors).toBeUndefined();
      expect(data?.image.digest).toBe(index.digest);
      expect(data?.image.manifestList.manifests.map((m) => m.digest)).toEqual(
        index.images.map((i) => i.digest),
      );
      expect(tokens.requests).toBeGreaterThan(before);
      expect(tokens.scopes).toContain('repository:private/app:pull');
    });
  });

  describe('without credentials', () => {
    it('reports REGISTRY_UNAUTHORIZED and never leaks what the realm said', async () => {
      const { data, errors } = await anonymous.graphql(
        `{ image(ref: "${registry.host}/private/app:v1") { digest } }`,
      );
      expect(data).toBeNull();
      expect(errors?.[0]?.extensions?.code).toBe('REGISTRY_UNAUTHORIZED');
      expect(JSON.stringify(errors)).not.toContain(PASSWORD);
    });
  });
});
