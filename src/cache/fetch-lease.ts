import { randomBytes } from 'node:crypto';
import type { SharedTier } from './shared-tier.js';

export interface FetchLeaseOptions {
  /**
   * `IMPRIMATUR_CACHE_LEASE_MS`: how long one process holds the right to fetch a key for everyone,
   * and so the longest another process waits for it before fetching itself.
   */
  readonly leaseMs: number;
  /** `IMPRIMATUR_CACHE_LEASE_POLL_MS`: how often a waiting process looks for the holder's result. */
  readonly pollMs: number;
  readonly now?: () => number;
}

/** How one leased fetch ended, for metrics and tests. */
export type LeaseOutcome =
  /** This process held the lease and fetched. */
  | 'fetched'
  /** Another process fetched; its result was read from the shared store. */
  | 'waited'
  /** Another process held the lease past the wait bound (slow, or died holding it): fetched anyway. */
  | 'waited-then-fetched'
  /** Redis could not be asked: fetched without a lease, as a process without Redis does. */
  | 'unleased';

/**
 * Single-flight across processes: the in-process `SingleFlight` merges identical fetches within one
 * replica; this merges them across replicas sharing one Redis. Before fetching a shareable key it
 * missed, a process takes a short lease on it (`SET lease NX PX`); whoever gets it fetches and stores
 * the result, the others poll the shared store for that result instead of asking the registry.
 *
 * Bounded and never a new way to fail: a waiter stops waiting after `leaseMs` (by then the lease has
 * expired: its holder is slow, or died) and fetches itself; if Redis cannot be asked, the process
 * fetches at once, as it would with no Redis. A holder whose fetch failed gives the lease back at
 * once, so a waiter takes over without waiting it out. A holder that succeeded keeps it until it
 * expires: given back, a process that missed just before the result was stored would take the free
 * lease and fetch a second time. The lease lives no longer than the entry it guards (`ttlMs`), so it
 * never makes a later miss wait for an entry that has already expired.
 */
export class FetchLease {
  private readonly now: () => number;

  constructor(
    private readonly tier: SharedTier,
    private readonly options: FetchLeaseOptions,
    private readonly observe?: (outcome: LeaseOutcome) => void,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Fetches `key` under the lease, or waits for the process that holds it. `lookup` reads the shared
   * store (the caller already missed once); `fetch` asks upstream and stores the result for `ttlMs`.
   */
  async run<T>(
    key: string,
    ttlMs: number,
    signal: AbortSignal | undefined,
    lookup: () => Promise<T | undefined>,
    fetch: () => Promise<T>,
  ): Promise<T> {
    const token = randomBytes(12).toString('base64url');
    const leaseMs = Math.max(1, Math.min(this.options.leaseMs, ttlMs));
    const waitUntil = this.now() + leaseMs;
    let waited = false;
    for (;;) {
      const attempt = await this.tier.acquireLease(key, token, leaseMs);
      if (attempt === 'acquired') {
        this.observe?.(waited ? 'waited-then-fetched' : 'fetched');
        return this.fetchHolding(key, token, fetch);
      }
      if (attempt === 'unavailable' || this.now() >= waitUntil || signal?.aborted === true) {
        // Cancelled: `fetch` with an aborted signal fails at once with the registry's own error.
        this.observe?.(attempt === 'unavailable' ? 'unleased' : 'waited-then-fetched');
        return fetch();
      }
      waited = true;
      await pause(this.options.pollMs, signal);
      const found = await lookup();
      if (found !== undefined) {
        this.observe?.('waited');
        return found;
      }
    }
  }

  private async fetchHolding<T>(key: string, token: string, fetch: () => Promise<T>): Promise<T> {
    try {
      return await fetch();
    } catch (error) {
      // Not waited for: the caller's error does not need the lease back.
      void this.tier.releaseLease(key, token);
      throw error;
    }
  }
}

/** Waits `ms`, or less if `signal` fires (the caller then checks it). */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
