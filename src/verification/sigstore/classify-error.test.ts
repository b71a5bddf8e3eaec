import { ValidationError } from '@sigstore/bundle';
import { VerificationError } from '@sigstore/verify';
import { describe, expect, it } from 'vitest';
import { SignatureCheckError } from '../errors.js';
import { classifyError } from './classify-error.js';

const sigstoreError = (code: VerificationError['code'], message: string, cause?: Error) =>
  new VerificationError({ code, message, cause });

describe('classifyError', () => {
  it.each([
    ['TLOG_ERROR', 'expected 1 tlog entries, got 0', 'TLOG_MISSING'],
    ['TLOG_ERROR', 'duplicate tlog entry', 'TLOG_INVALID'],
    ['TLOG_INCLUSION_PROMISE_ERROR', 'inclusion promise could not be verified', 'TLOG_INVALID'],
    ['TLOG_INCLUSION_PROOF_ERROR', 'calculated root hash does not match inclusion proof', 'TLOG_INVALID'],
    ['TLOG_BODY_ERROR', 'signature mismatch', 'TLOG_MISMATCH'],
    ['CERTIFICATE_ERROR', 'SCT verification failed', 'SCT_INVALID'],
    ['CERTIFICATE_ERROR', 'expected 1 SCTs, got 0', 'SCT_INVALID'],
    ['CERTIFICATE_ERROR', 'no trusted certificate path found', 'CERTIFICATE_UNTRUSTED'],
    ['PUBLIC_KEY_ERROR', 'key not found', 'KEY_MISMATCH'],
    ['SIGNATURE_ERROR', 'signature verification failed', 'INVALID_SIGNATURE'],
    ['TIMESTAMP_ERROR', 'expected 1 timestamps, got 0', 'TIMESTAMP_MISSING'],
    ['TIMESTAMP_ERROR', 'timestamp could not be verified', 'TIMESTAMP_INVALID'],
  ] as const)('maps @sigstore/verify %s "%s" to %s', (code, message, expected) => {
    expect(classifyError(sigstoreError(code, message))).toEqual({ code: expected, message });
  });

  it('reads an expiry out of the wrapped cause of a chain failure', () => {
    const error = sigstoreError(
      'CERTIFICATE_ERROR',
      'Failed to verify certificate chain',
      new Error('certificate is not valid or expired at the specified date'),
    );
    expect(classifyError(error)).toEqual({
      code: 'CERTIFICATE_EXPIRED',
      message:
        'Failed to verify certificate chain: certificate is not valid or expired at the specified date',
    });
  });

  it('keeps our own codes', () => {
    expect(classifyError(new SignatureCheckError('TLOG_MISMATCH', 'x'))).toEqual({
      code: 'TLOG_MISMATCH',
      message: 'x',
    });
  });

  it('names the fields of an invalid bundle', () => {
    expect(classifyError(new ValidationError('invalid bundle', ['mediaType']))).toEqual({
      code: 'MALFORMED_SIGNATURE',
      message: 'invalid Sigstore bundle: invalid bundle (mediaType)',
    });
  });

  it.each([
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'clone')")],
    ['a SyntaxError', new SyntaxError('Unexpected end of JSON input')],
    ['a string', 'boom'],
  ])('turns %s into MALFORMED_SIGNATURE', (_name, error) => {
    expect(classifyError(error).code).toBe('MALFORMED_SIGNATURE');
  });
});
