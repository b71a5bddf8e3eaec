import type { KeyObject } from 'node:crypto';
import { Verifier, type TrustMaterial } from '@sigstore/verify';
import { allowsCodeSigning } from '../certificate/index.js';
import { SignatureCheckError } from '../errors.js';
import type { TrustRoot } from '../trust/index.js';
import type { PreparedEntity } from './legacy-entity.js';
import { checkTlogSignerBinding, type Signer } from './tlog-signer-binding.js';

export interface EntityCheckOptions {
  /** The policy's public key: key-based verification. Undefined: keyless (Fulcio certificate). */
  readonly key: KeyObject | undefined;
  /** cosign `--insecure-ignore-tlog`: no transparency-log entry required. */
  readonly ignoreTlog: boolean;
  /** cosign `--insecure-ignore-sct`: no embedded SCT required. */
  readonly ignoreSct: boolean;
}

/** Trust material whose key finder answers with the policy key for any hint (keys do not expire). */
function withPolicyKey(material: TrustMaterial, key: KeyObject): TrustMaterial {
  return { ...material, publicKey: () => ({ publicKey: key, validFor: () => true }) };
}

/**
 * All cryptographic checks for one signed entity; throws on the first failure. @sigstore/verify does
 * the chain to a CA valid at signing time, the SCT, the SET / inclusion proof + checkpoint, the
 * RFC 3161 timestamps, the body-vs-signature match and the signature itself. Around it we close the
 * gaps it leaves (each with a test in test/integration/verification/gaps.test.ts):
 * no time source at all (it crashes with a TypeError), the codeSigning usage, and the binding of the
 * log entry to this signer. Identity policy is NOT passed to it: see policy/identity.ts.
 */
export function verifyPreparedEntity(
  prepared: PreparedEntity,
  trustRoot: TrustRoot,
  options: EntityCheckOptions,
): void {
  const { leafDer } = prepared;
  // cosign --insecure-ignore-tlog skips the log entry altogether (neither checked nor used as a
  // time source); an entry from a log we do not trust must then not fail an otherwise good signature.
  const entity = options.ignoreTlog
    ? {
        ...prepared.entity,
        tlogEntries: [],
        timestamps: prepared.entity.timestamps.filter((t) => t.$case === 'timestamp-authority'),
      }
    : prepared.entity;
  const byKey = options.key !== undefined;
  if (byKey && entity.key.$case !== 'public-key') {
    throw new SignatureCheckError(
      'KEY_MISMATCH',
      'signature was made with a certificate, but the policy expects a key',
    );
  }
  if (!byKey && (entity.key.$case !== 'certificate' || leafDer === undefined)) {
    throw new SignatureCheckError('CERTIFICATE_MISSING', 'no certificate found on signature');
  }
  if (!options.ignoreTlog && entity.tlogEntries.length === 0) {
    // cosign would search Rekor online here; we verify offline only, so the entry must be attached.
    throw new SignatureCheckError('TLOG_MISSING', 'no transparency log entry attached to the signature');
  }
  if (!byKey) {
    // A short-lived Fulcio certificate means nothing without trusted proof of WHEN it signed. Only a
    // TSA token or an entry with a SET (inclusion promise) and a non-zero integrated time give that.
    const trustedTimes = entity.timestamps.filter(
      (t) => t.$case === 'timestamp-authority' || t.tlogEntry.inclusionPromise !== undefined,
    );
    if (trustedTimes.length === 0) {
      throw new SignatureCheckError(
        'TIMESTAMP_MISSING',
        'no trusted timestamp (no Rekor SET with integrated time, no RFC 3161 timestamp) to check the certificate against',
      );
    }
    if (entity.key.$case === 'certificate' && !allowsCodeSigning(entity.key.certificate)) {
      throw new SignatureCheckError(
        'CERTIFICATE_INVALID',
        'certificate is not valid for code signing (extended key usage)',
      );
    }
  }
  const material =
    options.key === undefined ? trustRoot.material : withPolicyKey(trustRoot.material, options.key);
  const verifier = new Verifier(material, {
    tlogThreshold: options.ignoreTlog ? 0 : 1,
    ctlogThreshold: byKey || options.ignoreSct ? 0 : 1,
    // Keys do not expire, so a key-based signature needs no time source; a certificate does.
    timestampThreshold: byKey ? 0 : 1,
  });
  verifier.verify(entity);
  const signer: Signer =
    options.key !== undefined
      ? { kind: 'key', key: options.key }
      : { kind: 'certificate', der: leafDer ?? Buffer.alloc(0) };
  checkTlogSignerBinding(entity.tlogEntries, signer);
}
