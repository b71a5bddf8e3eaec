import {
  describe,
  goArray,
  goObject,
  goString,
  isJsonObject,
  malformed,
  parseUntrustedJson,
  quote,
  requireObject,
} from '../../discovery/index.js';
import type { InTotoStatement, StatementSubject } from './types.js';

/** Most subjects read from one statement: images have one; a release may list a few hundred files. */
export const MAX_STATEMENT_SUBJECTS = 1024;

/**
 * Reads an in-toto statement (`_type` `https://in-toto.io/Statement/v0.1` or `/v1`) far enough to
 * say what it is about: `_type`, `predicateType`, and each subject's name and DigestSet. The predicate
 * is not interpreted here (it may be megabytes; the bytes are kept for the edges to show within their
 * cap). A missing `predicate` is fine: cosign v3 signature statements often have none. Untrusted
 * input under a byte and depth cap; throws `DiscoveryError` (MALFORMED_SIGNATURE) when it is not a
 * statement at all.
 */
export function parseStatement(bytes: Uint8Array, maxBytes: number): InTotoStatement {
  const root = requireObject(parseUntrustedJson(bytes, 'in-toto statement', maxBytes), 'in-toto statement');
  const type = goString(root, '_type', 'statement');
  const predicateType = goString(root, 'predicateType', 'statement');
  const listed = goArray(root, 'subject', 'statement') ?? [];
  if (listed.length > MAX_STATEMENT_SUBJECTS) {
    throw malformed(`statement has ${listed.length} subjects, more than the ${MAX_STATEMENT_SUBJECTS} read`);
  }
  return {
    type: type === '' ? undefined : type,
    predicateType: predicateType === '' ? undefined : predicateType,
    subjects: listed.map((entry, n) => readSubject(entry, n)),
    bytes,
  };
}

function readSubject(entry: unknown, n: number): StatementSubject {
  const where = `statement.subject[${n}]`;
  if (!isJsonObject(entry)) throw malformed(`${where} must be an object, got ${describe(entry)}`);
  const name = goString(entry, 'name', where);
  const digest: Record<string, string> = {};
  for (const [algorithm, value] of Object.entries(goObject(entry, 'digest', where) ?? {})) {
    if (typeof value !== 'string') throw malformed(`${where}.digest[${quote(algorithm)}] must be a string`);
    digest[algorithm] = value;
  }
  return { name: name === '' ? undefined : name, digest };
}

/** `sha256:<hex>` of every subject with a well-formed sha256 digest, in order. */
export function subjectSha256Digests(statement: InTotoStatement): string[] {
  return statement.subjects.flatMap((s) => {
    const hex = s.digest.sha256;
    return hex !== undefined && /^[0-9a-f]{64}$/.test(hex) ? [`sha256:${hex}`] : [];
  });
}
