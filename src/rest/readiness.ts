import type { Cache } from '../cache/index.js';
import type { TrustRoot, TrustRootSet, TrustRootState } from '../verification/index.js';

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
  /**
   * What `/readyz` shows beside the state, whatever the outcome. Unauthenticated callers read it:
   * facts only (names, versions, times, counts), never error messages, paths or addresses (those go
   * to the log with the failing check's message).
   */
  detail?(): unknown;
}

export type ReadinessState = 'ok' | 'degraded' | 'failing';

export interface ReadinessResult {
  readonly name: string;
  /** False only for `failing`: a degraded dependency does not take the replica out of service. */
  readonly ok: boolean;
  readonly state: ReadinessState;
  readonly message: string | null;
  readonly detail?: unknown;
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
      assertCanVerifyAt(trustRoot, now());
    },
  };
}

/** Throws unless a certificate authority and a transparency log of `trustRoot` are valid at `at`. */
function assertCanVerifyAt(trustRoot: TrustRoot, at: Date): void {
  const within = (v: { start: Date; end: Date }) => v.start <= at && at <= v.end;
  if (!trustRoot.material.certificateAuthorities.some((ca) => within(ca.validFor))) {
    throw new Error(`${trustRoot.source}: no certificate authority valid at ${at.toISOString()}`);
  }
  if (!trustRoot.material.tlogs.some((log) => within(log.validFor))) {
    throw new Error(`${trustRoot.source}: no transparency log valid at ${at.toISOString()}`);
  }
}

/** A trust root as `/readyz` shows it (see {@link ReadinessCheck.detail}). */
export interface TrustRootReadiness {
  readonly name: string;
  readonly default: boolean;
  /** `embedded`, `file`, `tuf`, `tuf-cache` (verified by TUF on an earlier run), `given`; null while none is loaded. */
  readonly origin: string | null;
  /** `sha256:` of the root in use: the identity verdicts and cache keys carry. */
  readonly id: string | null;
  readonly refreshes: boolean;
  readonly installedAt: string | null;
  readonly lastRefreshAt: string | null;
  readonly lastSuccessAt: string | null;
  readonly consecutiveFailures: number;
  readonly metadataExpires: string | null;
  readonly targetsVersion: number | null;
}

const iso = (at: Date | undefined) => at?.toISOString() ?? null;

function readinessOf(state: TrustRootState, isDefault: boolean): TrustRootReadiness {
  return {
    name: state.name,
    default: isDefault,
    origin: state.origin ?? null,
    id: state.current?.id ?? null,
    refreshes: state.mirror !== undefined,
    installedAt: iso(state.installedAt),
    lastRefreshAt: iso(state.lastAttemptAt),
    lastSuccessAt: iso(state.lastSuccessAt),
    consecutiveFailures: state.consecutiveFailures,
    metadataExpires: iso(state.metadataExpires),
    targetsVersion: state.targetsVersion ?? null,
  };
}

/**
 * Every named trust root. Failing only when the default root cannot verify anything now (as
 * {@link trustRootCheck}); degraded — still ready, since verification goes on with the last good
 * roots — when a refresh is failing, TUF metadata has expired, or another root is unavailable or
 * out of date. The message (to the log) says which and why.
 */
export function trustRootsCheck(roots: TrustRootSet, now: () => Date = () => new Date()): ReadinessCheck {
  return {
    name: 'trustRoot',
    detail: () => ({
      roots: roots.states().map((state) => readinessOf(state, state.name === roots.defaultName)),
    }),
    check() {
      const at = now();
      const problems: string[] = [];
      for (const state of roots.states()) {
        const isDefault = state.name === roots.defaultName;
        if (state.current === undefined) {
          problems.push(`${state.name}: not loaded yet (${state.lastError ?? 'first refresh pending'})`);
          continue;
        }
        try {
          assertCanVerifyAt(state.current, at);
        } catch (error) {
          if (isDefault) throw error;
          problems.push(`${state.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
        if (state.consecutiveFailures > 0) {
          problems.push(
            `${state.name}: ${state.consecutiveFailures} refresh(es) failed, keeping ${state.current.id} (${state.lastError ?? ''})`,
          );
        }
        if (state.metadataExpires !== undefined && state.metadataExpires < at) {
          problems.push(`${state.name}: TUF metadata expired at ${state.metadataExpires.toISOString()}`);
        }
      }
      if (problems.length > 0) throw new DegradedTrust(problems.join('; '));
    },
  };
}

/** Thrown inside {@link trustRootsCheck} to mean degraded: ready, with a message for the log. */
class DegradedTrust extends Error {}

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
        return {
          name: c.name,
          ok: true,
          state: outcome === 'degraded' ? 'degraded' : 'ok',
          message: null,
          ...detailOf(c),
        };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof DegradedTrust) {
          return { name: c.name, ok: true, state: 'degraded', message, ...detailOf(c) };
        }
        return { name: c.name, ok: false, state: 'failing', message, ...detailOf(c) };
      }
    }),
  );
}

function detailOf(check: ReadinessCheck): { detail?: unknown } {
  return check.detail === undefined ? {} : { detail: check.detail() };
}
