import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildImage,
  pushImage,
  startTestRegistry,
  writeHtpasswd,
  type TestRegistry,
} from '../../support/registry/index.js';
import { startTestService, type TestService } from '../../support/service.js';

const USER = 'graph-reader';
const PASSWORD = 'graph-secret-that-must-never-leak';

describe('the image graph in front of a registry that requires Basic auth', () => {
  let dir: string;
  let registry: TestRegistry;
  let anonymous: TestService;
  let authenticated: TestService;
  const image = buildImage({ os: 'linux', architecture: 'amd64' });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-graph-auth-'));
    registry = await startTestRegistry({
      htpasswdPath: await writeHtpasswd(dir, [{ username: USER, password: PASSWORD }]),
    });
    const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    await pushImage({ url: registry.url, authorization: basic }, 'private/app', image, 'v1');
    const authFile = join(dir, 'config.json');
    await writeFile(
      authFile,
      JSON.stringify({
        auths: { [registry.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } },
      }),
    );
    anonymous = await startTestService({ insecureRegistries: [registry.host] });
    authenticated = await startTestService({ insecureRegistries: [registry.host], authFile });
  });
  afterAll(async () => {
    await anonymous?.stop();
    await authenticated?.stop();
    await registry?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  describe('when the service has no credentials for it', () => {
    it('reports REGISTRY_UNAUTHORIZED on the field that needed the manifest', async () => {
      const { status, data, errors } = await anonymous.graphql(
        `{ image(ref: "${registry.host}/private/app:v1") { ref digest } }`,
      );
      expect(status).toBe(200);
      expect(data).toBeNull();
      expect(errors).toHaveLength(1);
      expect(errors?.[0]?.extensions?.code).toBe('REGISTRY_UNAUTHORIZED');
      expect(errors?.[0]?.path).toEqual(['image', 'digest']);
    });
  });

  describe('when the service has credentials in its Docker config', () => {
    it('resolves the image', async () => {
      const { data, errors } = await authenticated.graphql<{ image: { digest: string } }>(
        `{ image(ref: "${registry.host}/private/app:v1") { digest } }`,
      );
      expect(errors).toBeUndefined();
      expect(data?.image.digest).toBe(image.digest);
    });

    it('never echoes the credentials, even in errors', async () => {
      const { errors } = await authenticated.graphql(
        `{ image(ref: "${registry.host}/private/app:missing") { digest } }`,
      );
      expect(errors?.[0]?.extensions?.code).toBe('MANIFEST_UNKNOWN');
      const text = JSON.stringify(errors);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(Buffer.from(`${USER}:${PASSWORD}`).toString('base64'));
    });
  });
});
