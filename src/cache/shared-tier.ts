import type { Keyv } from 'keyv';

/** What a read from the shared store found; `unavailable` is not a miss and must not be cached as one. */
export type SharedRead =
  | { readonly kind: 'hit'; readonly value: unknown; readonly expiresAt: number | undefined }
  | { readonly kind: 'miss' }
  | { readonly kind: 'unavailable' };

export interface SharedTierHealth {
  /**
   * `connecting` until the first connection, `down` after a failed or timed-out call until a later
   * call succeeds or the client reconnects.
   */
  readonly state: 'connecting' | 'up' | 'down';
  readonly since: Date;
  /** Message of the last failure (never the URL: it may hold a password). */
  readonly lastError: string | undefined;
  /** Failed or timed-out calls since start. */
  readonly failures: number;
}

/**
 * The two Redis commands a fetch lease needs (see `fetch-lease.ts`), beside keyv's get/set/delete.
 * Absent for stores other than Redis: then there is no lease and every process fetches for itself.
 */
export interface LeaseCommands {
  /** `SET key token NX PX ms`: true when this call took the lease, false when someone holds it. */
  acquire(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Deletes `key` only while it still holds `token` (a lease that expired and was re-taken is not ours). */
  release(key: string, token: string): Promise<void>;
}

/** How an attempt to take a lease ended; `unavailable` (Redis down or slow) means "fetch yourself". */
export type LeaseAttempt = 'acquired' | 'held' | 'unavailable';

export interface SharedTierOptions {
  /** Lease commands on the same connection as the cache entries (so writes and releases stay in order). */
  readonly leases?: LeaseCommands;
  /** Longest wait for one call. A hung Redis must cost a request at most this, never a stall. */
  readonly timeoutMs: number;
  /**
   * After a failure, calls skip the store entirely for this long; the first call after it probes.
   * Without it, every request during an outage would pay the full timeout.
   */
  readonly retryAfterMs: number;
  readonly now?: () => number;
  /**
   * Told when the store goes down (with the error) or comes back: an operator must hear of both,
   * since the service itself carries on either way and nothing else would show it.
   */
  readonly onStateChange?: (state: 'up' | 'down', lastError: string | undefined) => void;
}

/**
 * A keyv store (Redis) used defensively: every call is bounded by a timeout, no failure escapes
 * (the caller answers from memory or upstream instead), and its state is kept for health checks.
 * Recovery needs no action: once a call succeeds again the store is used again.
 */
export class SharedTier {
  private state: SharedTierHealth['state'] = 'connecting';
  private since: Date;
  private lastError: string | undefined;
  private failures = 0;
  private nextAttemptAt = 0;
  private readonly now: () => number;

  constructor(
    private readonly keyv: Keyv,
    private readonly options: SharedTierOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.since = new Date(this.now());
    // keyv re-emits adapter errors (connection resets, reconnect attempts); an unhandled `error`
    // event would crash the process.
    keyv.on('error', (error: unknown) => this.recordFailure(error));
  }

  health(): SharedTierHealth {
    return { state: this.state, since: this.since, lastError: this.lastError, failures: this.failures };
  }

  /** The connection is (re-)established: use the store again now, without waiting for a probe. */
  markAvailable(): void {
    this.recordSuccess();
  }

  async get(key: string): Promise<SharedRead> {
    if (!this.shouldTry()) return { kind: 'unavailable' };
    try {
      const raw = (await this.bounded(this.keyv.get(key, { raw: true }), 'get')) as
        { value?: unknown; expires?: number | null } | undefined;
      this.recordSuccess();
      if (raw === undefined || raw === null || raw.value === undefined) return { kind: 'miss' };
      return { kind: 'hit', value: raw.value, expiresAt: raw.expires ?? undefined };
    } catch (error) {
      this.recordFailure(error);
      return { kind: 'unavailable' };
    }
  }

  /** Stores `value` for `ttlMs`; false when the store could not be reached (nothing else to do then). */
  async set(key: string, value: unknown, ttlMs: number): Promise<boolean> {
    if (!this.shouldTry()) return false;
    try {
      await this.bounded(this.keyv.set(key, value, ttlMs), 'set');
      this.recordSuccess();
      return true;
    } catch (error) {
      this.recordFailure(error);
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    if (!this.shouldTry()) return;
    try {
      await this.bounded(this.keyv.delete(key), 'delete');
      this.recordSuccess();
    } catch (error) {
      this.recordFailure(error);
    }
  }

  /** Whether this store can hold fetch leases at all (a Redis with `LeaseCommands`). */
  get leasing(): boolean {
    return this.options.leases !== undefined;
  }

  /** Tries to take the lease `key` for `ttlMs`; bounded and failure-tolerant like every other call. */
  async acquireLease(key: string, token: string, ttlMs: number): Promise<LeaseAttempt> {
    const leases = this.options.leases;
    if (leases === undefined || !this.shouldTry()) return 'unavailable';
    try {
      const taken = await this.bounded(leases.acquire(key, token, ttlMs), 'lease');
      this.recordSuccess();
      return taken ? 'acquired' : 'held';
    } catch (error) {
      this.recordFailure(error);
      return 'unavailable';
    }
  }

  /** Gives the lease back early; a failure only means it expires on its own. */
  async releaseLease(key: string, token: string): Promise<void> {
    const leases = this.options.leases;
    if (leases === undefined || !this.shouldTry()) return;
    try {
      await this.bounded(leases.release(key, token), 'lease release');
      this.recordSuccess();
    } catch (error) {
      this.recordFailure(error);
    }
  }

  async close(): Promise<void> {
    await this.keyv.disconnect().catch(() => undefined);
  }

  private shouldTry(): boolean {
    if (this.state !== 'down') return true;
    const now = this.now();
    if (now < this.nextAttemptAt) return false;
    // One probe per window: calls arriving while it is in flight keep skipping.
    this.nextAttemptAt = now + this.options.retryAfterMs;
    return true;
  }

  private bounded<T>(promise: Promise<T>, what: string): Promise<T> {
    // The call itself cannot be cancelled; if it settles late its result is dropped (and a late
    // rejection is swallowed here so it is not reported as unhandled).
    promise.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`cache ${what} timed out after ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  private recordSuccess(): void {
    if (this.state === 'up') return;
    this.nextAttemptAt = 0;
    this.state = 'up';
    this.since = new Date(this.now());
    this.options.onStateChange?.('up', undefined);
  }

  private recordFailure(error: unknown): void {
    this.failures += 1;
    this.lastError = error instanceof Error ? error.message : String(error);
    this.nextAttemptAt = this.now() + this.options.retryAfterMs;
    if (this.state === 'down') return;
    this.state = 'down';
    this.since = new Date(this.now());
    this.options.onStateChange?.('down', this.lastError);
  }
}
