import { describe, expect, it } from 'vitest';
import type { Findings } from '../../discovery/index.js';
import { RegistryError } from '../../registry/index.js';
import type { RegistryClient } from '../../registry/types.js';
import { discoverAttestations } from './discover-attestations.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

/** A registry whose `.att` tag never answers until its request is cancelled. */
function hangingRegistry(): { client: RegistryClient; aborted: Promise<unknown> } {
  let reportAbort: (reason: unknown) => void = () => undefined;
  const aborted = new Promise<unknown>((resolve) => (reportAbort = resolve));
  const never = (): Promise<never> => Promise.reject(new Error('not used by this test'));
  const client = {
    fetchManifest: (_repo: unknown, _reference: string, options?: { signal?: AbortSignal }) =>
      new Promise((_, reject) => {
        options?.signal?.addEventListener('abort', () => {
          reportAbort(options.signal?.reason);
          reject(new RegistryError('REGISTRY_ABORTED', 'cancelled'));
        });
      }),
    fetchBlob: never,
    listReferrers: never,
    listTags: never,
  } as unknown as RegistryClient;
  return { client, aborted };
}

describe('discoverAttestations', () => {
  it('cancels the other look-ups at once when one of them fails, and rejects with that failure', async () => {
    const { client, aborted } = hangingRegistry();
    const down = new RegistryError('REGISTRY_UNAVAILABLE', 'referrers: 503', { temporary: true });
    const discovery = discoverAttestations({
      client,
      repo: { registry: 'r.example', repository: 'app' },
      digest: DIGEST,
      limits: { maxSignatures: 10, maxPayloadBytes: 1024 },
      referrers: Promise.reject<Findings>(down),
      index: undefined,
    });
    await expect(discovery).rejects.toBe(down);
    // The hanging `.att` request saw its signal aborted, with the failure as the reason.
    await expect(aborted).resolves.toBe(down);
  });
});
