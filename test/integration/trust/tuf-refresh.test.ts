import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrustRootsConfig } from '../../../src/config/index.js';
import { TrustRootSet, verifyDigest, type RefreshOutcome } from '../../../src/verification/index.js';
import { createTestSigstore, type TestSigstore, type TrustedRootJson } from '../../support/sigstore/index.js';
import { createTestTufRepository, type TestTufRepository } from '../../support/tuf/test-tuf-repository.js';
import { discovered } from '../verification/discovered.js';
import { DIGEST, IDENTITY, ISSUER, POLICY } from '../verification/world.js';

/**
 * Rotation without restart: one TrustRootSet (what the running service holds) follows a real TUF
 * repository served on loopback through new target versions, a root key rotation and attacks, and
 * signatures from two test Sigstore instances show what it trusts after each refresh.
 */

/** Both instances' authorities in one root: the state in which a new key is introduced. */
function merged(a: TrustedRootJson, b: TrustedRootJson): TrustedRootJson {
  return {
    ...a,
    tlogs: [...a.tlogs, ...b.tlogs],
    certificateAuthorities: [...a.certificateAuthorities, ...b.certificateAuthorities],
    ctlogs: [...a.ctlogs, ...b.ctlogs],
    timestampAuthorities: [...a.timestampAuthorities, ...b.timestampAuthorities],
  };
}

let oldKeys: TestSigstore;
let newKeys: TestSigstore;
let repo: TestTufRepository;
let dir: string;
let roots: TrustRootSet;
const outcomes: RefreshOutcome[] = [];

const signedBy = (sigstore: TestSigstore) => {
  const identity = sigstore.issueCertificate({ san: { uri: IDENTITY }, issuer: ISSUER });
  return discovered(DIGEST, [sigstore.signBundle({ imageDigest: DIGEST, identity })]);
};
const statusUnder = (sigstore: TestSigstore) =>
  verifyDigest(signedBy(sigstore), POLICY, roots.defaultRoot()).status;
const state = () => roots.states()[0]!;

function config(mirror: string, initialRootPath: string, cacheDir: string): TrustRootsConfig {
  return {
    roots: [{ name: 'private', tuf: { mirror, initialRootPath }, floor: undefined }],
    cacheDir,
    refreshIntervalSeconds: 3600,
    fetchTimeoutMs: 2_000,
  };
}

beforeAll(async () => {
  oldKeys = createTestSigstore();
  newKeys = createTestSigstore();
  repo = await createTestTufRepository();
  repo.publish(oldKeys.trustedRoot);
  dir = mkdtempSync(join(tmpdir(), 'imprimatur-tuf-'));
  const initialRootPath = join(dir, 'initial-root.json');
  writeFileSync(initialRootPath, repo.initialRoot);
  roots = TrustRootSet.fromConfig(config(repo.url, initialRootPath, join(dir, 'cache')));
  roots.onRefresh((outcome) => outcomes.push(outcome));
  // No floor: start-up waits for the first refresh, and fails if there is none.
  await roots.start();
});

afterAll(async () => {
  roots.stop();
  await repo.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('a trust root refreshed through TUF', () => {
  it('starts from the first target version, fetched and verified at start-up', () => {
    expect(state()).toMatchObject({
      origin: 'tuf',
      targetsVersion: 1,
      rootVersion: 1,
      consecutiveFailures: 0,
    });
    expect(statusUnder(oldKeys)).toBe('VERIFIED');
    expect(statusUnder(newKeys)).toBe('FAILED');
  });

  it('trusts a new Rekor and Fulcio key once a new target version lists it, without restart', async () => {
    repo.publish(merged(oldKeys.trustedRoot, newKeys.trustedRoot));
    const before = roots.defaultRoot().id;
    const outcome = await roots.get('private')!.refresh();
    expect(outcome.outcome).toBe('updated');
    expect(roots.defaultRoot().id).not.toBe(before);
    expect(state().targetsVersion).toBe(2);
    expect(statusUnder(newKeys)).toBe('VERIFIED');
    expect(statusUnder(oldKeys)).toBe('VERIFIED');
  });

  it('stops trusting a revoked key once the next target version drops it', async () => {
    repo.publish(newKeys.trustedRoot);
    expect((await roots.refreshAll())[0]?.outcome).toBe('updated');
    expect(statusUnder(newKeys)).toBe('VERIFIED');
    const revoked = verifyDigest(signedBy(oldKeys), POLICY, roots.defaultRoot());
    expect(revoked.status).toBe('FAILED');
    expect(revoked.signatures[0]?.errors.map((e) => e.code)).toEqual(['CERTIFICATE_UNTRUSTED']);
  });

  it('schedules the next refresh on the interval while the metadata lasts longer', () => {
    // Scheduled when the refresh finished, an hour (the configured interval) later.
    const next = state().nextRefreshAt!.getTime() - state().lastSuccessAt!.getTime();
    expect(next).toBeGreaterThanOrEqual(3600_000);
    expect(next).toBeLessThanOrEqual(3600_000 + 2_000);
  });

  it('reports an unchanged root when the repository has nothing new', async () => {
    expect((await roots.refreshAll())[0]?.outcome).toBe('unchanged');
  });

  it('follows a root key rotation (v1 → v2, signed by both) and keeps verifying what v2 signs', async () => {
    repo.rotateRoot();
    // Timestamp metadata that lasts 5 minutes: the next refresh must come before it expires.
    const expires = new Date(Date.now() + 5 * 60_000);
    repo.publish(merged(newKeys.trustedRoot, oldKeys.trustedRoot), { timestampExpires: expires });
    expect((await roots.refreshAll())[0]?.outcome).toBe('updated');
    expect(state()).toMatchObject({ rootVersion: 2, targetsVersion: 4, consecutiveFailures: 0 });
    const beforeExpiry = expires.getTime() - state().nextRefreshAt!.getTime();
    expect(beforeExpiry).toBeGreaterThanOrEqual(59_000);
    expect(beforeExpiry).toBeLessThanOrEqual(62_000);
    expect(statusUnder(oldKeys)).toBe('VERIFIED');
  });

  describe('keeps the last good root and reports the failure when', () => {
    // Each case starts from the last good state: target version 4 (both instances trusted).
    const keeps = async (expected: RegExp) => {
      const id = roots.defaultRoot().id;
      const failuresBefore = state().consecutiveFailures;
      const [outcome] = await roots.refreshAll();
      expect(outcome).toMatchObject({ outcome: 'failed', kept: { id } });
      expect(outcome?.outcome === 'failed' ? outcome.error : '').toMatch(expected);
      expect(roots.defaultRoot().id).toBe(id);
      expect(state().consecutiveFailures).toBe(failuresBefore + 1);
      expect(state().lastError).toMatch(expected);
      expect(state().targetsVersion).toBe(4);
      expect(statusUnder(oldKeys)).toBe('VERIFIED');
    };

    it('the timestamp metadata has expired', async () => {
      repo.publish(newKeys.trustedRoot, { timestampExpires: new Date(Date.now() - 60_000) });
      await keeps(/expired/i);
    });

    it('a target does not match the hash its targets metadata lists', async () => {
      repo.publish(newKeys.trustedRoot, { tamper: true });
      await keeps(/length|hash|mismatch/i);
    });

    it('the mirror serves an older timestamp again (rollback)', async () => {
      repo.rollback();
      await keeps(/version/i);
    });

    it('the mirror is unreachable', async () => {
      await repo.stop();
      await keeps(/ECONNREFUSED|connect|fetch/i);
      expect(outcomes.filter((o) => o.outcome === 'failed').length).toBeGreaterThanOrEqual(4);
    });
  });

  it('starts a restarted process from the root TUF verified last time, not from scratch, while the mirror is down', () => {
    const restarted = TrustRootSet.fromConfig(
      config(repo.url, join(dir, 'initial-root.json'), join(dir, 'cache')),
    );
    expect(restarted.states()[0]).toMatchObject({ origin: 'tuf-cache', targetsVersion: 4, rootVersion: 2 });
    expect(restarted.defaultRoot().id).toBe(roots.defaultRoot().id);
  });
});
