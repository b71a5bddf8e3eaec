import { isBudgetRefusal, onAbort } from '../registry/index.js';

/**
 * In-process single-flight: while work for a key is running, callers asking for the same key wait
 * for that work instead of starting their own, so N identical concurrent requests cost one upstream
 * fetch (or one verification). Nothing is remembered once the work settles: keeping results is the
 * cache's job, with its TTL rules; this only merges what overlaps in time.
 *
 * Cancellation is per caller. Each caller stops waiting when its own signal fires; the shared work
 * runs with the signal of the caller that started it. If that caller cancels and the work fails
 * because of it, the others were not cancelled, so that failure is not their answer: they start the
 * work again with their own signal. Likewise when the work was refused by the registry budget of
 * the request that started it (see `RequestBudget`): that request's limit is not the others' answer.
 */
export class SingleFlight<T> {
  private readonly flights = new Map<string, Flight<T>>();

  /** How many keys have work in flight (for tests and metrics). */
  get size(): number {
    return this.flights.size;
  }

  /**
   * Runs `work` for `key`, or joins the run already in flight. `aborted` builds the error a caller
   * gets when its own `signal` fires (callers above expect their own error types).
   */
  async run(
    key: string,
    signal: AbortSignal | undefined,
    work: () => Promise<T>,
    aborted: (reason: unknown) => Error,
  ): Promise<{ readonly value: T; readonly joined: boolean }> {
    for (;;) {
      if (signal !== undefined && isAborted(signal)) throw aborted(signal.reason);
      const existing = this.flights.get(key);
      const flight = existing ?? this.start(key, signal, work);
      try {
        const value = await waitUnlessAborted(flight.promise, signal, aborted);
        return { value, joined: existing !== undefined };
      } catch (error) {
        const notMyCancellation =
          flight.initiator !== undefined &&
          flight.initiator !== signal &&
          isAborted(flight.initiator) &&
          (signal === undefined || !isAborted(signal));
        // Joined, so started by someone else (possibly another request): run it again, charged to
        // this caller's own budget. Started here, the refusal is this caller's and is final.
        const notMyRefusal = existing !== undefined && isBudgetRefusal(error);
        if (!notMyCancellation && !notMyRefusal) throw error;
      }
    }
  }

  private start(key: string, initiator: AbortSignal | undefined, work: () => Promise<T>): Flight<T> {
    const flight: Flight<T> = {
      initiator,
      promise: Promise.resolve()
        .then(work)
        .finally(() => {
          if (this.flights.get(key) === flight) this.flights.delete(key);
        }),
    };
    // Every caller awaits the promise, but if they all stop waiting a rejection must not surface as
    // an unhandled one.
    flight.promise.catch(() => undefined);
    this.flights.set(key, flight);
    return flight;
  }
}

interface Flight<T> {
  readonly initiator: AbortSignal | undefined;
  readonly promise: Promise<T>;
}

/** A function, so the compiler does not assume a signal checked before an `await` is still unaborted after it. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

function waitUnlessAborted<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  aborted: (reason: unknown) => Error,
): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    // One listener per signal however many flights a request waits for (see `onAbort`).
    const stopWaiting = onAbort(signal, () => reject(aborted(signal.reason)));
    work.then(
      (value) => {
        stopWaiting();
        resolve(value);
      },
      (error: unknown) => {
        stopWaiting();
        reject(error);
      },
    );
  });
}
