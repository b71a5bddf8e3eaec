import { ImprimaturError } from '../errors/index.js';
import type { VerificationErrorCode } from './types.js';

/** The trust root could not be loaded or is unusable; thrown at start-up so the service fails fast. */
export class TrustRootError extends ImprimaturError<'TRUST_ROOT_INVALID'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TRUST_ROOT_INVALID', message, options);
  }
}

/** A caller-supplied policy is unusable (missing identity/issuer, bad regexp, bad key). */
export class PolicyError extends ImprimaturError<'INVALID_POLICY'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_POLICY', message, options);
  }
}

/**
 * Internal: one check failed for one signature. Never escapes `verifyDigest`: it is caught per
 * signature and turned into a `VerificationIssue`, so one bad signature cannot hide the others.
 */
export class SignatureCheckError extends ImprimaturError<VerificationErrorCode> {}
