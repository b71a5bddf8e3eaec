import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'imprimatur-roots-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rootsOf = (env: Record<string, string>) => loadConfig(env).verification.trustRoots!;
const rootsFile = (document: unknown) => {
  const path = join(dir, `roots-${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(document));
  return path;
};

describe('trust-root configuration', () => {
  it('defaults to public-good through TUF, with the embedded root as the floor', () => {
    const config = rootsOf({});
    expect(config.roots).toEqual([
      {
        name: 'public-good',
        tuf: { mirror: 'https://tuf-repo-cdn.sigstore.dev' },
        floor: { kind: 'embedded' },
      },
    ]);
    expect(config.refreshIntervalSeconds).toBe(3600);
    expect(config.fetchTimeoutMs).toBe(30_000);
  });

  it('keeps IMPRIMATUR_TRUSTED_ROOT meaning a fixed file, under a name that does not claim public-good', () => {
    expect(rootsOf({ IMPRIMATUR_TRUSTED_ROOT: '/etc/root.json' }).roots).toEqual([
      { name: 'default', floor: { kind: 'file', path: '/etc/root.json' } },
    ]);
  });

  it('runs embedded-only (air-gapped) on request', () => {
    expect(rootsOf({ IMPRIMATUR_TRUST_ROOT_SOURCE: 'embedded' }).roots).toEqual([
      { name: 'public-good', floor: { kind: 'embedded' } },
    ]);
  });

  it('takes a private mirror and its initial root like cosign initialize, with no embedded floor', () => {
    expect(
      rootsOf({ IMPRIMATUR_TUF_MIRROR: 'https://tuf.corp.example/', IMPRIMATUR_TUF_ROOT: '/etc/root.json' })
        .roots,
    ).toEqual([
      {
        name: 'default',
        tuf: { mirror: 'https://tuf.corp.example', initialRootPath: '/etc/root.json' },
        floor: undefined,
      },
    ]);
  });

  it.each([
    [{ IMPRIMATUR_TUF_MIRROR: 'https://tuf.corp.example' }, /needs IMPRIMATUR_TUF_ROOT/],
    [{ IMPRIMATUR_TUF_MIRROR: 'http://tuf.corp.example', IMPRIMATUR_TUF_ROOT: '/r' }, /https/],
    [{ IMPRIMATUR_TRUST_ROOT_SOURCE: 'file' }, /needs IMPRIMATUR_TRUSTED_ROOT/],
    [{ IMPRIMATUR_TRUST_ROOT_SOURCE: 'network' }, /embedded, tuf or file/],
    [{ IMPRIMATUR_TUF_REFRESH_SECONDS: '1' }, /IMPRIMATUR_TUF_REFRESH_SECONDS/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('adds named roots from IMPRIMATUR_TRUST_ROOTS_FILE: GitHub by its mirror alone, private ones with their root', () => {
    const path = rootsFile({
      roots: [
        { name: 'github', mirror: 'https://tuf-repo.github.com' },
        {
          name: 'corp',
          mirror: 'https://tuf.corp.example',
          root: '/etc/corp-root.json',
          trustedRoot: '/etc/corp.json',
        },
        { name: 'lab', trustedRoot: '/etc/lab.json' },
      ],
    });
    expect(rootsOf({ IMPRIMATUR_TRUST_ROOTS_FILE: path }).roots.slice(1)).toEqual([
      { name: 'github', tuf: { mirror: 'https://tuf-repo.github.com' }, floor: undefined },
      {
        name: 'corp',
        tuf: { mirror: 'https://tuf.corp.example', initialRootPath: '/etc/corp-root.json' },
        floor: { kind: 'file', path: '/etc/corp.json' },
      },
      { name: 'lab', floor: { kind: 'file', path: '/etc/lab.json' } },
    ]);
  });

  it.each([
    [{ roots: [{ name: 'public-good', trustedRoot: '/x' }] }, /used twice/],
    [{ roots: [{ name: 'Bad Name', trustedRoot: '/x' }] }, /name must match/],
    [{ roots: [{ name: 'corp', mirror: 'https://tuf.corp.example' }] }, /needs root/],
    [{ roots: [{ name: 'corp' }] }, /needs a mirror, a trustedRoot file, or both/],
    [{ roots: [{ name: 'corp', trustedRoot: '/x', keys: [] }] }, /unknown field/],
    [{ roots: 'github' }, /must be a list/],
  ])('refuses the roots file %j', (document, message) => {
    const env = { IMPRIMATUR_TRUST_ROOTS_FILE: rootsFile(document) };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
