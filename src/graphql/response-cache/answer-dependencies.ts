import { AsyncLocalStorage } from 'node:async_hooks';

/** Why an answer may not be replayed; for tests and debugging, never shown to callers. */
export type NotReusableReason =
  | 'cache-miss'
  | 'no-expiry'
  | 'upstream-request'
  | 'state-changed'
  | 'not-a-query'
  | 'errors'
  | 'incremental';

/** The operation an answer came from, so a replay is counted and traced like one. */
export interface AnsweredOperation {
  readonly type: string;
  readonly name: string | undefined;
}

/**
 * What one GraphQL execution depended on, collected while it runs, to decide whether its answer may
 * be replayed to the next identical request.
 *
 * The rule is strict on purpose: an answer is reusable only if everything it was computed from came
 * out of the cache (no registry request, no miss, no entry refused), so replaying it until the
 * earliest of those entries expires serves exactly what executing the query again would have served
 * in that time. Any upstream traffic, a verification actually carried out (its verdict read was a
 * miss), a GraphQL error or an incremental (@defer) answer makes it single-use. In particular the
 * first answer about an image is never replayed: it says `cached: false` and a fresh `checkedAt`,
 * which would be untrue the second time.
 */
export class AnswerDependencies {
  private earliestExpiry = Number.POSITIVE_INFINITY;
  private refusal: NotReusableReason | undefined;
  private answered: AnsweredOperation | undefined;

  /** A cache look-up came back as a hit valid until `expiresAt` (`Date.now()` clock); anything else refuses. */
  noteCacheRead(hit: boolean, expiresAt: number | undefined): void {
    if (!hit) return this.refuse('cache-miss');
    // An entry whose lifetime we cannot see could outlive any bound we would put on the answer.
    if (expiresAt === undefined || Number.isNaN(expiresAt)) return this.refuse('no-expiry');
    if (expiresAt < this.earliestExpiry) this.earliestExpiry = expiresAt;
  }

  refuse(reason: NotReusableReason): void {
    this.refusal ??= reason;
  }

  noteOperation(operation: AnsweredOperation): void {
    this.answered = operation;
  }

  get operation(): AnsweredOperation | undefined {
    return this.answered;
  }

  /** Why the answer may not be replayed, or undefined when it may. */
  get notReusableBecause(): NotReusableReason | undefined {
    return this.refusal ?? (this.answered === undefined ? 'not-a-query' : undefined);
  }

  /**
   * Until when (ms, `Date.now()` clock) the answer may be replayed, never later than `latest`; undefined
   * when it may not be replayed at all.
   */
  reusableUntil(latest: number): number | undefined {
    if (this.notReusableBecause !== undefined) return undefined;
    return Math.min(this.earliestExpiry, latest);
  }
}

const collecting = new AsyncLocalStorage<AnswerDependencies>();

/**
 * Runs `work` (one GraphQL execution) collecting into `dependencies`. AsyncLocalStorage rather than
 * an argument because the facts come from layers far below the GraphQL context — the cache store and
 * the registry transport's observer, wired in `server.ts` — and those layers must not know about
 * GraphQL answers at all.
 */
export function collectAnswerDependencies<T>(dependencies: AnswerDependencies, work: () => T): T {
  return collecting.run(dependencies, work);
}

/** The dependencies of the answer being computed, or undefined outside a GraphQL execution. */
export function currentAnswerDependencies(): AnswerDependencies | undefined {
  return collecting.getStore();
}
