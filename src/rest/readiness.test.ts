import { describe, expect, it } from 'vitest';
import { loadTrustRoot } from '../verification/index.js';
import { runReadinessChecks, trustRootCheck } from './readiness.js';

describe('readiness', () => {
  // The real embedded public-good root: its authorities have real validity windows.
  const root = loadTrustRoot({ trustedRootPath: undefined });

  it('passes the trust-root check while a CA and a log are valid', async () => {
    expect(await runReadinessChecks([trustRootCheck(root)])).toEqual([
      { name: 'trustRoot', ok: true, message: null },
    ]);
  });

  it('fails the trust-root check at a time outside every authority’s validity window, saying why', async () => {
    // The current public-good CA has no end date, so "outside" is before Sigstore existed; an
    // expiring private root (IMPRIMATUR_TRUSTED_ROOT) fails the same comparison at its end.
    const [result] = await runReadinessChecks([trustRootCheck(root, () => new Date('2000-01-01T00:00:00Z'))]);
    expect(result).toMatchObject({ name: 'trustRoot', ok: false });
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
    ]);
    expect(results.map((r) => [r.name, r.ok, r.message])).toEqual([
      ['throws', false, 'boom'],
      ['rejects', false, 'down'],
      ['fine', true, null],
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
