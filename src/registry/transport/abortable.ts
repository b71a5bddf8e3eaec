import { RegistryError } from '../errors.js';

/** Cancellation helpers: the caller's `AbortSignal` must stop every wait, not only the sockets. */

export function abortedError(what: string, reason: unknown): RegistryError {
  return new RegistryError('REGISTRY_ABORTED', `request for ${what} was cancelled`, { cause: reason });
}

/** Waits `ms`, or rejects with `REGISTRY_ABORTED` as soon as `signal` fires. */
export function sleep(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(what, signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(what, signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
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
    const onAbort = () => reject(abortedError(what, signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
