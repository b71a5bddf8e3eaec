import {
  hasView,
  readView,
  type ViewKind,
  type ViewOutcome,
  type Views,
} from '../attestations/views/index.js';
import type { ContentMemo } from '../cache/index.js';
import { ImprimaturError } from '../errors/index.js';
import { metrics } from '../telemetry/index.js';
import type { AttestationView } from './attestation-views.js';

/** A predicate of a type with a view that cannot be read as one (an SBOM that is not SPDX, say). */
export class MalformedPredicateError extends ImprimaturError<'MALFORMED_PREDICATE'> {
  constructor(message: string) {
    super('MALFORMED_PREDICATE', message);
  }
}

/**
 * The typed views of attestations (SBOM, SLSA provenance, OpenVEX, cosign vuln scan), one instance
 * per request. Each view of one stored statement is computed at most once per request and, with
 * the process-wide {@link ContentMemo}, once per digest across requests: paging through a large SBOM
 * reads its statement once, not once per page.
 *
 * Views are of the statement as stored, signed or not: what it claims. Whether it is trusted is
 * `attestationVerification`'s answer, never this one's.
 */
export class AttestationContentService {
  /** This request's outcomes, by view and digest: aliases and repeated fields reuse them. */
  private readonly outcomes = new Map<string, ViewOutcome<ViewKind>>();

  constructor(private readonly cache?: ContentMemo) {}

  /**
   * The `kind` view of `attestation`, or null when its predicate type has no such view (answered
   * without reading the statement). Throws {@link MalformedPredicateError} when the type has the view
   * but the predicate cannot be read as one.
   */
  view<K extends ViewKind>(kind: K, attestation: AttestationView): Views[K] | null {
    if (!hasView(kind, attestation.predicateType)) return null;
    const key = `${kind} ${attestation.digest}`;
    let outcome = this.outcomes.get(key) as ViewOutcome<K> | undefined;
    if (outcome === undefined) {
      const compute = () => readView(kind, attestation.content);
      const found =
        this.cache === undefined
          ? { value: compute(), cached: false }
          : this.cache.get(kind, attestation.digest, attestation.statementSize, compute);
      metrics().attestationViews.inc({ view: kind, outcome: found.cached ? 'cached' : 'computed' });
      outcome = found.value;
      this.outcomes.set(key, outcome);
    }
    if (outcome.problem !== undefined) {
      throw new MalformedPredicateError(
        `attestation ${attestation.digest} (${attestation.predicateType ?? 'no predicate type'}): ${outcome.problem}`,
      );
    }
    return outcome.view;
  }
}
