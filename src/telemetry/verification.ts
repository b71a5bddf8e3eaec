import { performance } from 'node:perf_hooks';
import type { Span } from '@opentelemetry/api';
import type { DigestVerification } from '../verification/types.js';
import { Attr } from './attributes.js';
import { metrics } from './metrics.js';
import { inSpan } from './tracer.js';

/** Which digest is being verified; all of it is public (it is what the caller asked about). */
export interface VerificationTarget {
  readonly registry: string;
  readonly repository: string;
  readonly digest: string;
}

function describeOutcome(span: Span, result: DigestVerification): void {
  const formats = [
    ...new Set(
      result.signatures.flatMap((entry) => (entry.signature === undefined ? [] : [entry.signature.kind])),
    ),
  ].sort();
  span.setAttribute(Attr.VERIFICATION_STATUS, result.status);
  span.setAttribute(Attr.VERIFICATION_FORMATS, formats);
  span.setAttribute(Attr.SIGNATURE_COUNT, result.signatures.length);
}

/**
 * Runs one digest verification (discovery included) in a `verify` span carrying the digest, the
 * signature formats found (`legacy-tag`, `bundle-referrer`) and the outcome, and counts it by outcome.
 * Signer identities and certificate contents are not recorded: the GraphQL answer reports them, and
 * a trace backend is not the place to keep a second copy of who signed what.
 */
export async function traceVerification(
  target: VerificationTarget,
  verify: () => Promise<DigestVerification>,
): Promise<DigestVerification> {
  const started = performance.now();
  const attributes = {
    [Attr.DIGEST]: target.digest,
    [Attr.REGISTRY_HOST]: target.registry,
    [Attr.REGISTRY_REPOSITORY]: target.repository,
  };
  let outcome = 'error';
  try {
    return await inSpan('verify', { attributes }, async (span) => {
      const result = await verify();
      describeOutcome(span, result);
      outcome = result.status;
      return result;
    });
  } finally {
    metrics().verifications.inc({ outcome });
    metrics().verificationDuration.observe((performance.now() - started) / 1000);
  }
}
