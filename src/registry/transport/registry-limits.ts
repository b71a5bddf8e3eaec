import { abortedError } from './abortable.js';
import { ConcurrencyGate, type Release } from './concurrency-gate.js';
import { currentRequestBudget } from './request-budget.js';

/** Process-wide bounds on registry exchanges in flight; see {@link RegistryLimits}. */
export interface ConcurrencyLimits {
  /** Most exchanges in flight to one host (`host:port`), across all requests. */
  readonly perHost: number;
  /** Most exchanges in flight in the whole process. */
  readonly total: number;
}

/** Which limit refused an exchange (a metric label value: keep the set small and fixed). */
export type RefusedBy = 'request_budget';

/**
 * Where every HTTP exchange with a registry, token service or redirect target is admitted, once, in
 * the transport (`HttpClient`), so no caller can bypass it:
 *
 *  1. charged to the budget of the request being served (see `request-budget.ts`); past it the
 *     exchange is refused with `TOO_MANY_REGISTRY_REQUESTS` before anything is sent;
 *  2. then it waits for a slot of that request, of the target host, and of the process, in that order,
 *     and holds them for the exchange only (not while retries back off, not while a token is
 *     fetched), so no exchange ever waits for a slot held by something waiting for it.
 *
 * So in-flight work is bounded by these numbers, not by the size of what a registry serves: a
 * 3000-entry index becomes a queue of requests to make, not thousands of sockets and timers at once.
 * The charge comes before the wait, so a request's queue never holds more than its budget; a wait
 * that is cancelled gives its charge back.
 */
export class RegistryLimits {
  private readonly total: ConcurrencyGate;
  /** Gates of hosts with exchanges in flight or waiting; dropped when idle, so the map stays small. */
  private readonly hosts = new Map<string, ConcurrencyGate>();

  constructor(
    private readonly limits: ConcurrencyLimits,
    private readonly refused?: (by: RefusedBy) => void,
  ) {
    this.total = new ConcurrencyGate(limits.total);
  }

  /**
   * Admits one exchange to `url`; resolves with the function that ends it (call it exactly once,
   * when the exchange is over). Rejects with `TOO_MANY_REGISTRY_REQUESTS` past the request's budget
   * and with `REGISTRY_ABORTED` when `signal` fires while waiting.
   */
  async admit(url: URL, signal: AbortSignal | undefined, what: string): Promise<Release> {
    if (signal?.aborted) throw abortedError(what, signal.reason);
    const budget = currentRequestBudget();
    if (budget !== undefined) {
      try {
        budget.charge();
      } catch (error) {
        if (budget.firstRefusal()) this.refused?.('request_budget');
        throw error;
      }
    }
    const host = url.host;
    let hostGate = this.hosts.get(host);
    if (hostGate === undefined) {
      hostGate = new ConcurrencyGate(this.limits.perHost);
      this.hosts.set(host, hostGate);
    }
    const gate = hostGate;
    const held: Release[] = [];
    const releaseAll = () => {
      for (let i = held.length - 1; i >= 0; i--) held[i]?.();
      held.length = 0;
      if (gate.idle && this.hosts.get(host) === gate) this.hosts.delete(host);
    };
    try {
      if (budget !== undefined) held.push(await budget.gate.enter(signal, what));
      held.push(await gate.enter(signal, what));
      held.push(await this.total.enter(signal, what));
    } catch (error) {
      // Cancelled while waiting: nothing was sent, so nothing is owed.
      budget?.refund();
      releaseAll();
      throw error;
    }
    if (signal?.aborted) {
      // Called off while its slot was being handed over: likewise never sent.
      budget?.refund();
      releaseAll();
      throw abortedError(what, signal.reason);
    }
    return releaseAll;
  }
}
