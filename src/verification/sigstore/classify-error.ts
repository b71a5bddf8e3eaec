import { ValidationError } from '@sigstore/bundle';
import { VerificationError } from '@sigstore/verify';
import { SignatureCheckError } from '../errors.js';
import type { VerificationErrorCode, VerificationIssue } from '../types.js';

/** Maps @sigstore/verify's coarse codes onto ours; the message decides where one code covers several cases. */
function fromSigstore(error: VerificationError): VerificationErrorCode {
  const detail = `${error.message} ${error.cause instanceof Error ? error.cause.message : ''}`;
  switch (error.code) {
    case 'TLOG_ERROR':
      return /expected \d+ tlog entries/.test(detail) ? 'TLOG_MISSING' : 'TLOG_INVALID';
    case 'TLOG_INCLUSION_PROOF_ERROR':
    case 'TLOG_INCLUSION_PROMISE_ERROR':
    case 'TLOG_MISSING_INCLUSION_ERROR':
      return 'TLOG_INVALID';
    case 'TLOG_BODY_ERROR':
      return 'TLOG_MISMATCH';
    case 'CERTIFICATE_ERROR':
      if (/SCT/.test(detail)) return 'SCT_INVALID';
      if (/expired|not valid/.test(detail)) return 'CERTIFICATE_EXPIRED';
      return 'CERTIFICATE_UNTRUSTED';
    case 'PUBLIC_KEY_ERROR':
      return 'KEY_MISMATCH';
    case 'SIGNATURE_ERROR':
      return 'INVALID_SIGNATURE';
    case 'TIMESTAMP_ERROR':
      return /expected \d+ timestamps/.test(detail) ? 'TIMESTAMP_MISSING' : 'TIMESTAMP_INVALID';
    case 'NOT_IMPLEMENTED_ERROR':
      return 'MALFORMED_SIGNATURE';
  }
}

/**
 * Turns ANY exception thrown while parsing or verifying one signature into an issue. Everything a
 * registry serves is attacker-controlled, and the libraries below throw ValidationError,
 * SyntaxError, RangeError, OpenSSL decoder errors or plain TypeErrors on malformed input: none of
 * them may escape and take the other signatures' results down with them.
 */
export function classifyError(error: unknown): VerificationIssue {
  if (error instanceof SignatureCheckError) return { code: error.code, message: error.message };
  if (error instanceof VerificationError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { code: fromSigstore(error), message: `${error.message}${cause}` };
  }
  if (error instanceof ValidationError) {
    const fields = error.fields.length > 0 ? ` (${error.fields.join(', ')})` : '';
    return { code: 'MALFORMED_SIGNATURE', message: `invalid Sigstore bundle: ${error.message}${fields}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'MALFORMED_SIGNATURE', message: `malformed signature: ${message}` };
}
