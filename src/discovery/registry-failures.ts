import { RegistryError } from '../registry/index.js';
import { DiscoveryError } from './errors.js';
import type { DiscoveryProblem } from './types.js';

/**
 * How discovery turns a failure while reading one thing into an answer. The rule:
 *
 * - **Throw** when discovery cannot know the answer and asking again may change it: a temporary
 *   registry failure (429, 5xx, timeouts, network), an abort, or a bug (anything that is neither a
 *   `RegistryError` nor a `DiscoveryError`). A thrown error is never cached as a verdict and is never
 *   "unsigned".
 * - **Record a problem** for everything the registry *told* us that is permanent: content whose digest
 *   does not match, something over a cap, a manifest that does not parse, access denied. Verification
 *   turns every problem into a failed entry, so a result with problems and no signatures is FAILED,
 *   never UNSIGNED.
 * - "Not found" is handled by the caller, because only there does it mean "no signatures".
 */
export function problemFromFailure(
  error: unknown,
  source: string,
  what: string,
  signal?: AbortSignal,
): DiscoveryProblem {
  if (signal?.aborted === true) throw error;
  if (error instanceof DiscoveryError) {
    if (error.code === 'INVALID_DIGEST') throw error;
    return { code: error.code, message: `${what}: ${error.message}`, source };
  }
  if (!(error instanceof RegistryError) || error.temporary || error.code === 'REGISTRY_ABORTED') throw error;
  const message = `${what}: ${error.message}`;
  switch (error.code) {
    case 'DIGEST_MISMATCH':
      return { code: 'DIGEST_MISMATCH', message, source };
    case 'BLOB_TOO_LARGE':
    case 'MANIFEST_TOO_LARGE':
      return { code: 'PAYLOAD_TOO_LARGE', message, source };
    case 'INVALID_MANIFEST':
    case 'UNSUPPORTED_MEDIA_TYPE':
      return { code: 'MALFORMED_SIGNATURE', message, source };
    default:
      // Denied, unauthorised, protocol violations, a layer blob the registry does not have...
      return { code: 'REGISTRY_ERROR', message, source };
  }
}

/** Registry "not found" codes: on a listing they mean "nothing there". */
export function isNotFound(error: unknown): boolean {
  return (
    error instanceof RegistryError && (error.code === 'MANIFEST_UNKNOWN' || error.code === 'NAME_UNKNOWN')
  );
}
