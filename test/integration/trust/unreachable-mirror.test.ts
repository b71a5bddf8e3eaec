import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestService, type TestService } from '../../support/service.js';
import { createTestTufRepository } from '../../support/tuf/test-tuf-repository.js';

/**
 * The default set-up (embedded public-good root as the floor, refreshed through TUF) when the
 * mirror cannot be reached, as in any air-gapped or firewalled deployment: the service serves at
 * once from the embedded root and says, in /readyz and /metrics, that refreshing fails.
 */

let service: TestService;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'imprimatur-tuf-down-'));
  // A real repository's root, then the repository goes away: connections are refused.
  const repo = await createTestTufRepository();
  const initialRootPath = join(dir, 'root.json');
  writeFileSync(initialRootPath, repo.initialRoot);
  await repo.stop();
  service = await startTestService({
    insecureRegistries: [],
    config: {
      verification: {
        trustedRootPath: undefined,
        maxSignaturesPerDigest: 100,
        trustRoots: {
          roots: [
            { name: 'public-good', tuf: { mirror: repo.url, initialRootPath }, floor: { kind: 'embedded' } },
          ],
          cacheDir: join(dir, 'cache'),
          refreshIntervalSeconds: 3600,
          fetchTimeoutMs: 2_000,
        },
      },
    },
  });
});

afterAll(async () => {
  await service?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('with the TUF mirror unreachable', () => {
  it('serves at once from the embedded root, before any refresh has answered', async () => {
    const [state] = service.server.trustRoots.states();
    expect(state).toMatchObject({ name: 'public-good', origin: 'embedded' });
    expect(service.server.trustRoots.defaultRoot().source).toBe('embedded Sigstore public-good trusted root');
  });

  it('tries a refresh in the background on its own, and retries it after a back-off, not at once', async () => {
    await vi.waitFor(() => expect(service.server.trustRoots.states()[0]?.consecutiveFailures).toBe(1));
    const [state] = service.server.trustRoots.states();
    const retryIn = state!.nextRefreshAt!.getTime() - state!.lastAttemptAt!.getTime();
    // The first retry after a failure comes after 30 s (then 60 s, … up to the interval).
    expect(retryIn).toBeGreaterThanOrEqual(29_000);
    expect(retryIn).toBeLessThanOrEqual(31_000);
  });

  it('keeps the embedded root when the refresh fails, and /readyz stays ready but says degraded', async () => {
    const [outcome] = await service.server.trustRoots.refreshAll();
    expect(outcome).toMatchObject({
      outcome: 'failed',
      kept: { source: 'embedded Sigstore public-good trusted root' },
    });
    const res = await fetch(`${service.url}/readyz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      checks: { name: string; state: string; detail?: { roots: unknown[] } }[];
    };
    const check = body.checks.find((c) => c.name === 'trustRoot');
    expect(check?.state).toBe('degraded');
    expect(check?.detail?.roots).toEqual([
      expect.objectContaining({
        name: 'public-good',
        default: true,
        origin: 'embedded',
        refreshes: true,
        lastSuccessAt: null,
        consecutiveFailures: expect.any(Number) as number,
      }),
    ]);
    const [root] = check!.detail!.roots as { consecutiveFailures: number; id: string }[];
    expect(root!.consecutiveFailures).toBeGreaterThanOrEqual(1);
    expect(root!.id).toBe(service.server.trustRoots.defaultRoot().id);
    // Facts only: the refresh error (which names the mirror) goes to the log, not to this probe.
    expect(JSON.stringify(body)).not.toContain('127.0.0.1');
  });

  it('counts the failures in /metrics, with no success time yet', async () => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    expect(text).toMatch(
      /imprimatur_trust_root_refreshes_total\{root="public-good",outcome="failed"\} [1-9]/,
    );
    expect(text).toMatch(/imprimatur_trust_root_refresh_consecutive_failures\{root="public-good"\} [1-9]/);
    expect(text).toMatch(/imprimatur_trust_root_age_seconds\{root="public-good"\} \d/);
    expect(text).not.toMatch(
      /imprimatur_trust_root_last_refresh_success_timestamp_seconds\{root="public-good"\}/,
    );
  });
});
