import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError } from '../errors.js';
import {
  loadDockerConfig,
  lookupCredentials,
  normalizeConfigKey,
  parseDockerConfig,
} from './docker-config.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('parseDockerConfig', () => {
  it('reads base64 user:pass, keeping colons in the password', () => {
    const store = parseDockerConfig(
      JSON.stringify({ auths: { 'ghcr.io': { auth: b64('me:se:cret') } } }),
      'f',
    );
    expect(lookupCredentials(store, 'ghcr.io')).toEqual({ username: 'me', password: 'se:cret' });
  });

  it('reads username/password fields', () => {
    const store = parseDockerConfig(
      JSON.stringify({ auths: { 'quay.io': { username: 'u', password: 'p' } } }),
      'f',
    );
    expect(lookupCredentials(store, 'quay.io')).toEqual({ username: 'u', password: 'p' });
  });

  it('files the Docker Hub key https://index.docker.io/v1/ under every Docker Hub name', () => {
    const store = parseDockerConfig(
      JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } }),
      'f',
    );
    for (const name of ['index.docker.io', 'docker.io', 'registry-1.docker.io']) {
      expect(lookupCredentials(store, name)).toEqual({ username: 'hub', password: 'pw' });
    }
  });

  it('matches keys written with a scheme, path or other case', () => {
    expect(normalizeConfigKey('https://Registry.Example:5000/v2/')).toBe('registry.example:5000');
    const store = parseDockerConfig(
      JSON.stringify({ auths: { 'http://Registry.Example:5000/': { auth: b64('a:b') } } }),
      'f',
    );
    expect(lookupCredentials(store, 'registry.example:5000')).toEqual({ username: 'a', password: 'b' });
    expect(lookupCredentials(store, 'registry.example:5001')).toBeUndefined();
  });

  it('skips entries without usable credentials (credential-helper entries, auth without a colon)', () => {
    const store = parseDockerConfig(
      JSON.stringify({
        auths: { 'a.example': {}, 'b.example': { auth: b64('nocolon') } },
        credsStore: 'desktop',
      }),
      'f',
    );
    expect(store.size).toBe(0);
  });

  it('accepts a config without auths', () => {
    expect(parseDockerConfig('{"credsStore":"osxkeychain"}', 'f').size).toBe(0);
  });

  describe('when the file is malformed', () => {
    it('throws AUTH_CONFIG_INVALID naming the path but not the content', () => {
      const secret = 'TopSecretPassword123';
      for (const text of [`{"auths": {"x": {"auth": "${secret}"`, '[1,2]', `{"auths": "${secret}"}`]) {
        let error: unknown;
        try {
          parseDockerConfig(text, '/etc/docker/config.json');
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(RegistryError);
        expect((error as RegistryError).code).toBe('AUTH_CONFIG_INVALID');
        expect((error as RegistryError).message).toContain('/etc/docker/config.json');
        expect(
          JSON.stringify(error) + (error as Error).message + String((error as Error).cause),
        ).not.toContain(secret);
      }
    });
  });
});

describe('loadDockerConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-dockercfg-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('treats a missing file as anonymous', async () => {
    expect((await loadDockerConfig(join(dir, 'absent.json'))).size).toBe(0);
  });

  it('reads a file', async () => {
    const path = join(dir, 'config.json');
    await writeFile(path, JSON.stringify({ auths: { 'r.example': { auth: b64('u:p') } } }));
    expect(lookupCredentials(await loadDockerConfig(path), 'r.example')).toEqual({
      username: 'u',
      password: 'p',
    });
  });

  it('fails clearly for a path that cannot be read as a file', async () => {
    await expect(loadDockerConfig(dir)).rejects.toMatchObject({ code: 'AUTH_CONFIG_INVALID' });
  });

  it('fails clearly for an unreadable file (when not running as root)', async () => {
    const path = join(dir, 'locked.json');
    await writeFile(path, '{}');
    await chmod(path, 0o000);
    const isRoot = process.getuid?.() === 0;
    const result = loadDockerConfig(path);
    if (isRoot)
      await expect(result).resolves.toBeDefined(); // root reads anything: nothing to refuse
    else await expect(result).rejects.toMatchObject({ code: 'AUTH_CONFIG_INVALID' });
  });
});
