import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrustRootsConfig } from '../../../src/config/index.js';
import { trustRootsCheck } from '../../../src/rest/index.js';
import { runReadinessChecks } from '../../../src/rest/readiness.js';
import {
  parseTrustRoot,
  TrustRootError,
  TrustRootSet,
  trustRootsForPolicy,
  verifyDigest,
} from '../../../src/verification/index.js';
import { createTestSigstore, type TestSigstore } from '../../support/sigstore/index.js';
import { createTestTufRepository } from '../../support/tuf/test-tuf-repository.js';
import { discovered } from '../verification/discovered.js';
import { DIGEST, IDENTITY, ISSUER, POLICY } from '../verification/world.js';

/**
 * Roots with no floor whose mirror cannot be reached: a private default root stops start-up (the
 * service never runs with no default root); a named one is reported unavailable, and policies that
 * name it say so instead of quietly verifying nothing.
 */

let dir: string;
let mirror: string;
let initialRootPath: string;
let sigstore: TestSigstore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'imprimatur-tuf-unavailable-'));
  const repo = await createTestTufRepository();
  initialRootPath = join(dir, 'root.json');
  writeFileSync(initialRootPath, repo.initialRoot);
  mirror = repo.url;
  await repo.stop();
  sigstore = createTestSigstore();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (roots: TrustRootsConfig['roots']): TrustRootsConfig => ({
  roots,
  cacheDir: join(dir, 'cache'),
  refreshIntervalSeconds: 3600,
  fetchTimeoutMs: 2_000,
});

describe('a trust root with no floor and an unreachable mirror', () => {
  it('as the default root, stops start-up with a message naming it', async () => {
    const roots = TrustRootSet.fromConfig(
      config([{ name: 'default', tuf: { mirror, initialRootPath }, floor: undefined }]),
    );
    await expect(roots.start()).rejects.toThrow(TrustRootError);
    await expect(roots.start()).rejects.toThrow(/default trust root default could not be fetched/);
    roots.stop();
  });

  it('as a named root, fails the signatures of policies that name it with TRUST_ROOT_UNAVAILABLE, and degrades /readyz', async () => {
    const roots = TrustRootSet.fromConfig(
      config([
        { name: 'public-good', floor: { kind: 'embedded' } },
        { name: 'github', tuf: { mirror, initialRootPath }, floor: undefined },
      ]),
    );
    await roots.start();
    await roots.refreshAll();
    const identity = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER });
    const found = discovered(DIGEST, [sigstore.signBundle({ imageDigest: DIGEST, identity })]);
    const policy = { ...POLICY, trustRoot: ['github'] };
    const result = verifyDigest(found, policy, trustRootsForPolicy(roots.snapshot(), policy));
    expect(result.status).toBe('FAILED');
    expect(result.signatures[0]?.errors).toEqual([
      {
        code: 'TRUST_ROOT_UNAVAILABLE',
        message: expect.stringMatching(/^trust root github is not available: /) as string,
      },
    ]);
    const [check] = await runReadinessChecks([trustRootsCheck(roots)]);
    expect(check).toMatchObject({ state: 'degraded', ok: true });
    expect(check?.message).toMatch(/github: not loaded yet/);
    roots.stop();
  });

  it('does not stop a named root that has a floor from verifying', () => {
    const floor = join(dir, 'floor.json');
    writeFileSync(floor, JSON.stringify(sigstore.trustedRoot));
    const roots = TrustRootSet.fromConfig(
      config([
        { name: 'public-good', floor: { kind: 'embedded' } },
        { name: 'corp', tuf: { mirror, initialRootPath }, floor: { kind: 'file', path: floor } },
      ]),
    );
    expect(roots.snapshot().roots.get('corp')?.root?.id).toBe(parseTrustRoot(sigstore.trustedRoot, 'x').id);
  });
});
