/**
 * One page of an SBOM's components: opaque cursors over the (optionally filtered) list, so a portal
 * pages through tens of thousands of components without any answer carrying them all.
 */
import { ImprimaturError } from '../../errors/index.js';
import type { Sbom, SbomComponent } from './sbom.js';

/** Largest page; a larger `first` is refused rather than silently shortened. */
export const MAX_SBOM_PAGE_SIZE = 500;
export const DEFAULT_SBOM_PAGE_SIZE = 50;
/** Longest `nameContains` filter. */
export const MAX_NAME_FILTER_LENGTH = 256;

export class SbomPageError extends ImprimaturError<'INVALID_ARGUMENT'> {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

export interface SbomPageRequest {
  readonly first?: number | undefined;
  readonly after?: string | undefined;
  /** Case-insensitive substring of the component name. */
  readonly nameContains?: string | undefined;
}

export interface SbomPage {
  /** Components matching the filter (all read components without one). */
  readonly totalCount: number;
  readonly items: readonly SbomComponent[];
  /** Cursor of the last item, to pass as `after`; undefined on an empty page. */
  readonly endCursor: string | undefined;
  readonly hasNextPage: boolean;
}

const PREFIX = 'sbom:';

/** Cursors are positions in the filtered list; the same filter must be passed with them. */
export function sbomPage(sbom: Sbom, request: SbomPageRequest): SbomPage {
  const first = request.first ?? DEFAULT_SBOM_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_SBOM_PAGE_SIZE)
    throw new SbomPageError(`first must be between 0 and ${MAX_SBOM_PAGE_SIZE}, got ${first}`);
  const filter = request.nameContains;
  if (filter !== undefined && filter.length > MAX_NAME_FILTER_LENGTH)
    throw new SbomPageError(`nameContains is longer than ${MAX_NAME_FILTER_LENGTH} characters`);
  const start = request.after === undefined ? 0 : decodeCursor(request.after) + 1;
  const needle = filter?.toLowerCase();
  const matching =
    needle === undefined || needle === ''
      ? sbom.components
      : sbom.components.filter((c) => c.name.toLowerCase().includes(needle));
  const items = matching.slice(start, start + first);
  const last = start + items.length - 1;
  return {
    totalCount: matching.length,
    items,
    endCursor: items.length === 0 ? undefined : encodeCursor(last),
    hasNextPage: start + items.length < matching.length,
  };
}

function encodeCursor(index: number): string {
  return Buffer.from(`${PREFIX}${index}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  const text = cursor.length > 64 ? '' : Buffer.from(cursor, 'base64url').toString('utf8');
  const index = text.startsWith(PREFIX) ? Number(text.slice(PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(index) || index < 0 || String(index) !== text.slice(PREFIX.length))
    throw new SbomPageError('after is not a cursor this field returned');
  return index;
}
