import { AsyncLocalStorage } from 'node:async_hooks';
import { ImprimaturError } from '../../errors/index.js';
import { ConcurrencyGate } from './concurrency-gate.js';

/** What one incoming request (GraphQL or REST) may ask of registries. */
export interface RequestBudgetLimits {
  /**
   * Most HTTP exchanges with registries, token services and redirect targets (every attempt and hop
   * counts; cache hits never reach the transport, so they are free).
   */
  readonly maxRequests: number;
  /** Most of those in flight at once. */
  readonly maxConcurrent: number;
}

export type RequestBudgetCode = 'TOO_MANY_REGISTRY_REQUESTS';

/** The request used up its registry budget: nothing more is fetched for it. */
export class RequestBudgetError extends ImprimaturError<RequestBudgetCode> {}

/**
 * One incoming request's registry budget: a count of exchanges and a gate on how many run at once.
 * Every exchange the request causes is charged here by the transport (src/registry/transport/
 * registry-limits.ts), whichever layer above asked for it — image loading, signature discovery,
 * referrers pages, payload blobs, the tag scan, token requests — so no caller can forget to.
 */
export class RequestBudget {
  readonly gate: ConcurrencyGate;
  private used = 0;
  private refusedOnce = false;
  private refusalError: RequestBudgetError | undefined;

  constructor(readonly limits: RequestBudgetLimits) {
    if (!Number.isSafeInteger(limits.maxRequests) || limits.maxRequests < 1) {
      throw new RangeError(`maxRequests must be a positive integer, got ${limits.maxRequests}`);
    }
    this.gate = new ConcurrencyGate(limits.maxConcurrent);
  }

  /** Exchanges charged so far. */
  get spent(): number {
    return this.used;
  }

  /** True once every exchange of the budget has been charged: the next one will be refused. */
  get exhausted(): boolean {
    return this.used >= this.limits.maxRequests;
  }

  /** Takes one exchange from the budget, or throws `TOO_MANY_REGISTRY_REQUESTS` when none is left. */
  charge(): void {
    if (this.exhausted) throw this.refusal();
    this.used += 1;
  }

  /**
   * Gives back one charge for an exchange that was never sent (cancelled while it waited for a slot):
   * the budget counts what reaches registries, and a request near its budget should not lose the rest
   * to look-ups that were called off.
   */
  refund(): void {
    if (this.used > 0) this.used -= 1;
  }

  /**
   * The refusal, one error per request however many exchanges and verifications it stops: past the
   * budget, a hostile index has thousands of them, and capturing a stack trace for each would be
   * most of what refusing them costs.
   */
  refusal(): RequestBudgetError {
    this.refusalError ??= new RequestBudgetError(
      'TOO_MANY_REGISTRY_REQUESTS',
      `this request needs more than ${this.limits.maxRequests} registry requests; split it into smaller queries`,
    );
    return this.refusalError;
  }

  /**
   * True exactly once, at the first refusal of this request: a refusal is counted once per request,
   * not once per field that ran into it.
   */
  firstRefusal(): boolean {
    if (this.refusedOnce) return false;
    this.refusedOnce = true;
    return true;
  }
}

/**
 * The budget of the request being served. AsyncLocalStorage rather than an argument: the exchanges to
 * charge are made layers below the request (through the cache, single-flight, discovery, the
 * authenticator's token requests), and an argument every one of those layers must pass on is how
 * the first budget came to count only manifests. Work shared between requests (a single-flight, a
 * token request) runs in the context of the request that started it, and is charged to that one.
 */
const current = new AsyncLocalStorage<RequestBudget>();

/** Runs `work` (the serving of one request) with `budget` charged for every registry exchange it causes. */
export function withRequestBudget<T>(budget: RequestBudget, work: () => T): T {
  return current.run(budget, work);
}

/** The budget of the request being served, or undefined outside one (start-up, tests of lower layers). */
export function currentRequestBudget(): RequestBudget | undefined {
  return current.getStore();
}

/** True for a refusal by some request's budget: the refused request's answer, not anybody else's. */
export function isBudgetRefusal(error: unknown): error is RequestBudgetError {
  return error instanceof RequestBudgetError;
}
