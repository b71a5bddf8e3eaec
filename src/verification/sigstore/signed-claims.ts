import { createHash } from 'node:crypto';
import type { SignedEntity } from '@sigstore/verify';
import { SignatureCheckError } from '../errors.js';

/** The in-toto predicate type of a cosign v3 image SIGNATURE (attestations carry others). */
export const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What the VERIFIED bytes say, re-read here instead of trusting discovery's parse: the digests a
 * signature covers must come from the exact bytes whose signature we checked.
 */
export interface SignedClaims {
  /** `sha256:<hex>` digests the signature is about. */
  readonly digests: readonly string[];
  /** Simple-signing `optional` (cosign `-a` annotations); empty when absent. */
  readonly optional: Readonly<Record<string, unknown>>;
}

/** Legacy simple-signing payload: `critical.image.docker-manifest-digest`. Untrusted JSON, read defensively. */
export function simpleSigningClaims(payload: Uint8Array): SignedClaims {
  const doc: unknown = JSON.parse(Buffer.from(payload).toString('utf8'));
  const critical = isObject(doc) ? doc.critical : undefined;
  const image = isObject(critical) ? critical.image : undefined;
  const digest = isObject(image) ? image['docker-manifest-digest'] : undefined;
  const optional = isObject(doc) && isObject(doc.optional) ? doc.optional : {};
  return { digests: typeof digest === 'string' ? [digest] : [], optional };
}

/** in-toto statement subjects' sha256 digests, and its predicate type. */
function readStatement(payload: Buffer): { digests: string[]; predicateType: unknown } {
  const doc: unknown = JSON.parse(payload.toString('utf8'));
  const subjects = isObject(doc) && Array.isArray(doc.subject) ? (doc.subject as unknown[]) : [];
  const digests = subjects.flatMap((s) => {
    const digest = isObject(s) && isObject(s.digest) ? s.digest.sha256 : undefined;
    return typeof digest === 'string' && /^[0-9a-f]{64}$/.test(digest) ? [`sha256:${digest}`] : [];
  });
  return { digests, predicateType: isObject(doc) ? doc.predicateType : undefined };
}

/**
 * Bundle claims: for DSSE the in-toto subjects of the envelope payload (which must carry
 * `requiredPredicateType` when given); for a message signature the digest of the artifact it was
 * verified over (and the bundle's digest hint must agree with it).
 */
export function bundleClaims(
  json: unknown,
  entity: SignedEntity,
  artifact: Buffer | undefined,
  requiredPredicateType?: string,
): SignedClaims {
  const content = isObject(json) ? json : {};
  const dsse = content.dsseEnvelope;
  if (isObject(dsse)) {
    if (dsse.payloadType !== 'application/vnd.in-toto+json' || typeof dsse.payload !== 'string') {
      return { digests: [], optional: {} };
    }
    const statement = readStatement(Buffer.from(dsse.payload, 'base64'));
    // An SBOM or provenance attestation by the trusted signer is a statement ABOUT the image, not
    // a signature OF it: `cosign verify` only counts the cosign sign predicate, and so do we.
    if (requiredPredicateType !== undefined && statement.predicateType !== requiredPredicateType) {
      throw new SignatureCheckError(
        'MALFORMED_SIGNATURE',
        `bundle is an attestation (predicateType "${String(statement.predicateType)}"), not a cosign image signature`,
      );
    }
    return { digests: statement.digests, optional: {} };
  }
  if (artifact === undefined) return { digests: [], optional: {} };
  const digest = createHash('sha256').update(artifact).digest();
  return {
    digests: entity.signature.compareDigest(digest) ? [`sha256:${digest.toString('hex')}`] : [],
    optional: {},
  };
}
