import { malformed } from './errors.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from './simple-signing.js';
import type { PayloadClaims } from './types.js';
import {
  describe,
  goArray,
  goObject,
  goString,
  type JsonObject,
  isJsonObject,
  parseUntrustedJson,
  quote,
  requireObject,
} from './untrusted-json.js';

/** The in-toto statement cosign v3 signs for an image: predicate type of `cosign sign`. */
export const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';

interface StatementSubject {
  readonly sha256: string | undefined;
  readonly annotations: JsonObject;
}

/**
 * Reads the in-toto statement inside a DSSE envelope (the payload of a bundle's `dsseEnvelope`):
 *
 * ```json
 * {"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"<hex>"},"annotations":{…}}],
 *  "predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}
 * ```
 *
 * Claims: `dockerManifestDigest` is `sha256:<hex>` of the subject that names `subjectDigest` when one
 * does, else of the first subject with a sha256 digest (so verification can report what *was* claimed);
 * `type` is the `predicateType`; `optional` is that subject's `annotations`, which is where cosign v3
 * puts `cosign sign -a key=value`. Untrusted: nothing here is verified yet. Throws `DiscoveryError`.
 */
export function parseInTotoStatement(
  bytes: Uint8Array,
  options: { readonly subjectDigest?: string; readonly maxBytes?: number } = {},
): PayloadClaims {
  const root = requireObject(
    parseUntrustedJson(bytes, 'in-toto statement', options.maxBytes ?? DEFAULT_MAX_PAYLOAD_BYTES),
    'in-toto statement',
  );
  // Read for its type only: a statement whose `_type` is not a string is not one cosign would accept.
  goString(root, '_type', 'statement');
  const subjects = (goArray(root, 'subject', 'statement') ?? []).map((entry, n) => readSubject(entry, n));
  const wanted = options.subjectDigest;
  const chosen =
    subjects.find((s) => s.sha256 !== undefined && `sha256:${s.sha256}` === wanted) ??
    subjects.find((s) => s.sha256 !== undefined);
  const predicateType = goString(root, 'predicateType', 'statement');
  return {
    dockerManifestDigest: chosen?.sha256 === undefined ? undefined : `sha256:${chosen.sha256}`,
    dockerReference: undefined,
    type: predicateType === '' ? undefined : predicateType,
    optional: chosen?.annotations ?? {},
  };
}

function readSubject(entry: unknown, n: number): StatementSubject {
  const where = `statement.subject[${n}]`;
  if (!isJsonObject(entry)) throw malformed(`${where} must be an object, got ${describe(entry)}`);
  goString(entry, 'name', where);
  // A DigestSet is a Go map[string]string: algorithm names are exact keys, every value a string.
  const digest = goObject(entry, 'digest', where) ?? {};
  for (const [algorithm, value] of Object.entries(digest)) {
    if (typeof value !== 'string') throw malformed(`${where}.digest[${quote(algorithm)}] must be a string`);
  }
  // Only a well-formed digest counts as a claim: anything else could never match an image, and
  // passing it on would put up to a payload's worth of attacker text into verification's messages.
  const sha256 = digest.sha256;
  return {
    sha256: typeof sha256 === 'string' && /^[0-9a-f]{64}$/.test(sha256) ? sha256 : undefined,
    annotations: goObject(entry, 'annotations', where) ?? {},
  };
}
