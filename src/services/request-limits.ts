import { ImprimaturError } from '../errors/index.js';

/**
 * At most this many references in one `images(refs)` call. Each costs at least one registry request,
 * so an unbounded list would let one caller make the service hammer registries on its behalf.
 * (What one request may make the service fetch in all is the registry budget, charged in the
 * transport: see `RequestBudget` in src/registry.)
 */
export const MAX_REFERENCES_PER_REQUEST = 100;

export type RequestLimitCode = 'TOO_MANY_REFERENCES';

export class RequestLimitError extends ImprimaturError<RequestLimitCode> {}

export function checkReferenceCount(count: number): void {
  if (count > MAX_REFERENCES_PER_REQUEST) {
    throw new RequestLimitError(
      'TOO_MANY_REFERENCES',
      `at most ${MAX_REFERENCES_PER_REQUEST} image references per request, got ${count}`,
    );
  }
}
