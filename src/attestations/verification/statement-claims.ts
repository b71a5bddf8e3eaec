import { IN_TOTO_PAYLOAD_TYPE } from '../../discovery/index.js';
import { SignatureCheckError } from '../../verification/index.js';
import { parseStatement, subjectSha256Digests } from '../discovery/index.js';

/** Bytes already capped by discovery; this only bounds the re-read of the same statement. */
const MAX_VERIFIED_STATEMENT_BYTES = 64 * 1024 * 1024;

/**
 * What the *verified* envelope says, re-read from the exact bytes whose signature was checked (never
 * taken from discovery's parse): it must be an in-toto statement (cosign's `invalid payloadType`
 * message otherwise), of the predicate type asked for, and about this manifest — a subject's sha256
 * must equal `subjectDigest` (cosign's `no matching subject digest found`), so an attestation copied
 * from another image never counts. Throws `SignatureCheckError`; returns the subject digests.
 */
export function verifiedStatementDigests(
  payloadType: string | undefined,
  payload: Uint8Array,
  subjectDigest: string,
  predicateType: string,
): string[] {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new SignatureCheckError(
      'MALFORMED_SIGNATURE',
      `invalid payloadType ${String(payloadType)} on envelope. Expected ${IN_TOTO_PAYLOAD_TYPE}`,
    );
  }
  const statement = parseStatement(payload, MAX_VERIFIED_STATEMENT_BYTES);
  if (statement.predicateType !== predicateType) {
    throw new SignatureCheckError(
      'PREDICATE_TYPE_MISMATCH',
      `predicate type ${String(statement.predicateType)} is not ${predicateType}`,
    );
  }
  const digests = subjectSha256Digests(statement);
  if (!digests.includes(subjectDigest)) {
    throw new SignatureCheckError('DIGEST_MISMATCH', 'no matching subject digest found');
  }
  return digests;
}
