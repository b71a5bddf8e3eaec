import { ImprimaturError } from '../errors/index.js';

/**
 * At most this many references in one `images(refs)` call. Each costs at least one registry request,
 * so an unbounded list would let one caller make the service hammer registries on its behalf.
 */
export const MAX_REFERENCES_PER_REQUEST = 100;

/**
 * At most this many registry fetches (manifests and config blobs, after deduplication) per incoming
 * request. `images(refs)` is capped above, but GraphQL aliases let one query name thousands of
 * `image(ref:)` fields; this budget bounds what a single request can make the service fetch.
 */
export const MAX_REGISTRY_FETCHES_PER_REQUEST = 250;

export type RequestLimitCode = 'TOO_MANY_REFERENCES' | 'TOO_MANY_REGISTRY_REQUESTS';

export class RequestLimitError extends ImprimaturError<RequestLimitCode> {}

/** Counts registry fetches for one request and refuses those beyond the budget. */
export class FetchBudget {
  private used = 0;

  constructor(readonly limit: number = MAX_REGISTRY_FETCHES_PER_REQUEST) {}

  /** Takes one fetch from the budget, or throws `TOO_MANY_REGISTRY_REQUESTS` when none is left. */
  spend(): void {
    if (this.used >= this.limit) {
      throw new RequestLimitError(
        'TOO_MANY_REGISTRY_REQUESTS',
        `this request needs more than ${this.limit} registry fetches; split it into smaller queries`,
      );
    }
    this.used += 1;
  }
}

export function checkReferenceCount(count: number): void {
  if (count > MAX_REFERENCES_PER_REQUEST) {
    throw new RequestLimitError(
      'TOO_MANY_REFERENCES',
      `at most ${MAX_REFERENCES_PER_REQUEST} image references per request, got ${count}`,
    );
  }
}
