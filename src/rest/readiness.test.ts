import { describe, expect, it } from 'vitest';
import { loadTrustRoot } from '../verification/index.js';
import { cacheCheck, runReadinessChecks, trustRootCheck } from './readiness.js';

describe('readiness', () => {
  // The real embedded public-good root: its authorities have real validity windows.
  const root = loadTrustRoot({ trustedRootPath: undefined });

  it('passes the trust-root check while a CA and a log are valid', async () => {
    expect(await runReadinessChecks([trustRootCheck(root)])).toEqual([
      { name: 'trustRoot', ok: true, state: 'ok', message: null },
    ]);
  });

  it('fails the trust-root check at a time outside every authority’s validity window, saying why', async () => {
    // The current public-good CA has no end date, so "outside" is before Sigstore existed; an
    // expiring private root (IMPRIMATUR_TRUSTED_ROOT) fails the same comparison at its end.
    const [result] = await runReadinessChecks([trustRootCheck(root, () => new Date('2000-01-01T00:00:00Z'))]);
    expect(result).toMatchObject({ name: 'trustRoot', ok: false, state: 'failing' });
    expect(result?.message).toMatch(/no certificate authority valid at 2000-01-01/);
  });

  it('reports a rejected or thrown check as failing without stopping the others', async () => {
    const results = await runReadinessChecks([
      {
        name: 'throws',
        check: () => {
          throw new Error('boom');
        },
      },
      { name: 'rejects', check: () => Promise.reject(new Error('down')) },
      { name: 'fine', check: () => undefined },
      { name: 'impaired', check: () => 'degraded' as const },
    ]);
    expect(results.map((r) => [r.name, r.ok, r.state, r.message])).toEqual([
      ['throws', false, 'failing', 'boom'],
      ['rejects', false, 'failing', 'down'],
      ['fine', true, 'ok', null],
      ['impaired', true, 'degraded', null],
    ]);
  });

  it('counts a check that never answers as failing after its time limit', async () => {
    const [result] = await runReadinessChecks([
      { name: 'hangs', check: () => new Promise<void>(() => undefined) },
    ]);
    expect(result).toMatchObject({ name: 'hangs', ok: false });
    expect(result?.message).toMatch(/no answer within/);
  }, 5_000);
});

describe('the cache readiness check', () => {
  it('is ok with the memory cache, and degraded (still ready) while Redis is not up', async () => {
    const memory = cacheCheck({
      health: () => ({ backend: 'memory', status: 'ok', memory: { entries: 0, bytes: 0 } }),
    });
    const redisDown = cacheCheck({
      health: () => ({
        backend: 'redis',
        status: 'degraded',
        memoryTier: true,
        redis: { state: 'down', since: new Date(), lastError: 'ECONNREFUSED', failures: 3 },
        memory: { entries: 0, bytes: 0 },
      }),
    });
    expect((await runReadinessChecks([memory, redisDown])).map((r) => [r.ok, r.state])).toEqual([
      [true, 'ok'],
      [true, 'degraded'],
    ]);
  });
});
