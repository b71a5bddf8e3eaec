import { abortedError, onAbort } from './abortable.js';

/** Gives back the slot a {@link ConcurrencyGate.enter} granted; calling it again does nothing. */
export type Release = () => void;

/**
 * At most `limit` holders at once; the rest wait in arrival order. Waiting is abortable through the
 * waiter's signal (one shared listener per signal, see {@link onAbort}), so a cancelled request
 * leaves the queue at once instead of when its turn would have come.
 */
export class ConcurrencyGate {
  private active = 0;
  /** FIFO of waiters; `head` instead of `shift()`, so that a long queue is drained in linear time. */
  private queue: (Waiter | undefined)[] = [];
  private head = 0;

  constructor(readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`a concurrency limit must be a positive integer, got ${limit}`);
    }
  }

  /** Holders right now. */
  get inUse(): number {
    return this.active;
  }

  /** Waiters right now (cancelled ones may still hold a place until they reach the front). */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** True when nobody holds or waits for a slot (the gate may then be dropped). */
  get idle(): boolean {
    return this.active === 0 && this.waiting === 0;
  }

  /** Waits for a slot; rejects with `REGISTRY_ABORTED` (naming `what`) when `signal` fires first. */
  enter(signal: AbortSignal | undefined, what: string): Promise<Release> {
    if (signal?.aborted) return Promise.reject(abortedError(what, signal.reason));
    if (this.active < this.limit && this.waiting === 0) return Promise.resolve(this.grant());
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { resolve, stopWaiting: undefined };
      this.queue.push(waiter);
      if (signal !== undefined) {
        waiter.stopWaiting = onAbort(signal, () => {
          // Left in the queue as a hole: `next` skips it. Removing it here would cost a search.
          waiter.resolve = undefined;
          reject(abortedError(what, signal.reason));
        });
      }
    });
  }

  /** Runs `work` holding a slot (see {@link enter}), and gives the slot back however it ends. */
  async run<T>(signal: AbortSignal | undefined, what: string, work: () => Promise<T>): Promise<T> {
    const release = await this.enter(signal, what);
    try {
      return await work();
    } finally {
      release();
    }
  }

  private grant(): Release {
    this.active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.next();
    };
  }

  private next(): void {
    while (this.active < this.limit && this.head < this.queue.length) {
      const waiter = this.queue[this.head];
      this.queue[this.head] = undefined;
      this.head += 1;
      const resolve = waiter?.resolve;
      if (resolve === undefined) continue;
      // From here on the slot is the waiter's: an abort no longer rejects, the holder notices it.
      waiter?.stopWaiting?.();
      const release = this.grant();
      // Handed over on a later event-loop turn, not at once: work that fails fast (a request past its
      // budget, say) would otherwise release and take slots in one unbroken run of promise callbacks
      // through the whole queue, and the process would answer nobody else (not even /healthz) until
      // thousands of queued tasks were through.
      setImmediate(() => resolve(release));
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}

interface Waiter {
  resolve: ((release: Release) => void) | undefined;
  stopWaiting: (() => void) | undefined;
}
