import type { Cache } from '../cache/index.js';
import type { TrustRoot } from '../verification/index.js';

/**
 * One dependency readiness depends on. Checks are cheap and local (no registry calls: an upstream
 * registry outage must not take every replica out of the load balancer, since other registries may
 * still be fine and the answers would say what failed anyway).
 */
export interface ReadinessCheck {
  readonly name: string;
  /**
   * Resolves when healthy, or with `'degraded'` when working but impaired (still ready: see the
   * cache check); throws (or rejects) with a message that says what is wrong.
   */
  check(signal: AbortSignal): Promise<void | 'degraded'> | void | 'degraded';
}

export type ReadinessState = 'ok' | 'degraded' | 'failing';

export interface ReadinessResult {
  readonly name: string;
  /** False only for `failing`: a degraded dependency does not take the replica out of service. */
  readonly ok: boolean;
  readonly state: ReadinessState;
  readonly message: string | null;
}

/** How long one check may take before it counts as failing (a probe must answer well within its timeout). */
export const READINESS_CHECK_TIMEOUT_MS = 2_000;

/**
 * The trust root can verify something *now*: at least one certificate authority and one
 * transparency log inside their validity windows. Loaded at start-up, a root can still expire while
 * the process runs; then every keyless verification would fail, and the replica should say so.
 */
export function trustRootCheck(trustRoot: TrustRoot, now: () => Date = () => new Date()): ReadinessCheck {
  return {
    name: 'trustRoot',
    check() {
      const at = now();
      const within = (v: { start: Date; end: Date }) => v.start <= at && at <= v.end;
      if (!trustRoot.material.certificateAuthorities.some((ca) => within(ca.validFor))) {
        throw new Error(`${trustRoot.source}: no certificate authority valid at ${at.toISOString()}`);
      }
      if (!trustRoot.material.tlogs.some((log) => within(log.validFor))) {
        throw new Error(`${trustRoot.source}: no transparency log valid at ${at.toISOString()}`);
      }
    },
  };
}

/**
 * The cache store. Memory always answers; a Redis tier that is down or still connecting makes the
 * cache `degraded`, not failing: answers then come from memory and the registry, every replica sees
 * the same Redis, and marking them all unready would turn a slower service into no service.
 */
export function cacheCheck(cache: Pick<Cache, 'health'>): ReadinessCheck {
  return {
    name: 'cache',
    check() {
      const health = cache.health();
      return health.status === 'ok' ? undefined : 'degraded';
    },
  };
}

/** Runs every check concurrently, each bounded by {@link READINESS_CHECK_TIMEOUT_MS}. */
export async function runReadinessChecks(checks: readonly ReadinessCheck[]): Promise<ReadinessResult[]> {
  return Promise.all(
    checks.map(async (c): Promise<ReadinessResult> => {
      const signal = AbortSignal.timeout(READINESS_CHECK_TIMEOUT_MS);
      try {
        const outcome = await Promise.race([
          Promise.resolve().then(() => c.check(signal)),
          new Promise<never>((_, reject) =>
            signal.addEventListener('abort', () =>
              reject(new Error(`no answer within ${READINESS_CHECK_TIMEOUT_MS} ms`)),
            ),
          ),
        ]);
        return { name: c.name, ok: true, state: outcome === 'degraded' ? 'degraded' : 'ok', message: null };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { name: c.name, ok: false, state: 'failing', message };
      }
    }),
  );
}
