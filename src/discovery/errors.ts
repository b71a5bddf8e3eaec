import { ImprimaturError } from '../errors/index.js';
import type { DiscoveryProblemCode } from './types.js';

/**
 * The problems a parser can find in one signature on its own (the rest come from the registry), plus
 * `INVALID_DIGEST` for a caller asking about something that is not a `sha256:<hex>` digest.
 */
export type DiscoveryErrorCode =
  Extract<DiscoveryProblemCode, 'MALFORMED_SIGNATURE' | 'PAYLOAD_TOO_LARGE'> | 'INVALID_DIGEST';

/**
 * Thrown by the parsers in this folder when untrusted signature material is unusable. Discovery
 * catches it and records a {@link DiscoveryProblem}: one bad signature never hides the others.
 */
export class DiscoveryError extends ImprimaturError<DiscoveryErrorCode> {}

/** Shorthand for the commonest failure: the registry handed us something that is not what cosign writes. */
export function malformed(message: string): DiscoveryError {
  return new DiscoveryError('MALFORMED_SIGNATURE', message);
}
