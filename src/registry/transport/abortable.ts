import { RegistryError } from '../errors.js';

/** Cancellation helpers: the caller's `AbortSignal` must stop every wait, not only the sockets. */

export function abortedError(what: string, reason: unknown): RegistryError {
  return new RegistryError('REGISTRY_ABORTED', `request for ${what} was cancelled`, { cause: reason });
}

/** Callbacks waiting for each signal, behind the single listener {@link onAbort} puts on it. */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `callback` once when `signal` aborts; returns the function that stops waiting. Every wait of
 * one request shares the request's signal, and an index of thousands of entries means thousands of
 * waits at once: as `addEventListener` each, Node warns (MaxListenersExceeded) and every removal walks
 * the list of the others, so the cost grows with the square of the waits. Here a signal gets one
 * listener whatever the number of waits, and adding or removing one is constant time.
 * The caller checks `signal.aborted` first: a signal that already fired never calls back.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let callbacks = waiting.get(signal);
  if (callbacks === undefined) {
    const created = new Set<() => void>();
    callbacks = created;
    waiting.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        waiting.delete(signal);
        for (const call of created) call();
        created.clear();
      },
      { once: true },
    );
  }
  const own = callbacks;
  // Wrapped, so that the same function registered twice is two waits, each removed on its own.
  const entry = () => callback();
  own.add(entry);
  return () => void own.delete(entry);
}

/** Waits `ms`, or rejects with `REGISTRY_ABORTED` as soon as `signal` fires. */
export function sleep(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(what, signal.reason));
    let stopWaiting: (() => void) | undefined;
    const timer = setTimeout(() => {
      stopWaiting?.();
      resolve();
    }, ms);
    if (signal !== undefined) {
      stopWaiting = onAbort(signal, () => {
        clearTimeout(timer);
        reject(abortedError(what, signal.reason));
      });
    }
  });
}

/**
 * Lets one caller stop waiting for work shared with others (a first contact with a registry, or a
 * token request several requests joined). The shared work itself goes on, bounded by its own
 * timeout, for the callers still waiting.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(abortedError(what, signal.reason));
  return new Promise<T>((resolve, reject) => {
    const stopWaiting = onAbort(signal, () => reject(abortedError(what, signal.reason)));
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
