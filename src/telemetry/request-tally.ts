import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What one HTTP request cost, counted while it is served and written in its log line: how many
 * registry requests it made (and how many failed), how the cache answered, which GraphQL operation
 * it ran. Counted through AsyncLocalStorage, so the code doing the work needs no extra parameter;
 * work outside a request (a TUF refresh, a warm-up) counts nowhere.
 */
export interface RequestTally {
  operationName: string | undefined;
  registryRequests: number;
  registryFailures: number;
  cacheHits: number;
  cacheMisses: number;
}

const current = new AsyncLocalStorage<RequestTally>();

export function newRequestTally(): RequestTally {
  return { operationName: undefined, registryRequests: 0, registryFailures: 0, cacheHits: 0, cacheMisses: 0 };
}

/** Runs `work` with `tally` as the request's counter. */
export function runWithRequestTally<T>(tally: RequestTally, work: () => T): T {
  return current.run(tally, work);
}

/** One registry exchange finished (`failed`: no HTTP answer, or a 5xx). */
export function tallyRegistryRequest(failed: boolean): void {
  const tally = current.getStore();
  if (tally === undefined) return;
  tally.registryRequests += 1;
  if (failed) tally.registryFailures += 1;
}

export function tallyCacheLookup(hit: boolean): void {
  const tally = current.getStore();
  if (tally === undefined) return;
  if (hit) tally.cacheHits += 1;
  else tally.cacheMisses += 1;
}

/** The GraphQL operation the request runs, once Apollo has resolved it (already length-capped). */
export function tallyOperationName(name: string | undefined): void {
  const tally = current.getStore();
  if (tally !== undefined && name !== undefined) tally.operationName = name;
}
