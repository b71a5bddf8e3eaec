/**
 * A typed view of cosign's vulnerability scan record (predicate type
 * `https://cosign.sigstore.dev/attestation/vuln/v1`, cosign's specs/COSIGN_VULN_ATTESTATION_SPEC.md):
 * which scanner and database ran when, and — when the free-form `scanner.result` is a Trivy or Grype
 * JSON report — how many findings of each severity. Read defensively from an untrusted statement: a
 * string missing, not a string or over {@link MAX_VULN_FIELD_LENGTH} characters is undefined, and at
 * most {@link MAX_VULN_FINDINGS_COUNTED} findings are counted. Nothing here throws.
 */
import { at, isRecord, stringUpTo } from './untrusted-fields.js';

export const COSIGN_VULN_PREDICATE_TYPE = 'https://cosign.sigstore.dev/attestation/vuln/v1';
/**
 * The same type without a scheme, as cosign v1.5–v1.13 wrote it (the scheme was added in v2.0.0,
 * sigstore/cosign#2717); such attestations are still in registries.
 */
const COSIGN_VULN_PREDICATE_TYPE_V1_LEGACY = 'cosign.sigstore.dev/attestation/vuln/v1';

export const MAX_VULN_FIELD_LENGTH = 2048;
/** Findings counted for the summary; a report with more says `truncated`. */
export const MAX_VULN_FINDINGS_COUNTED = 20_000;

export interface VulnSeverityCount {
  /** The severity as the scanner wrote it, upper-cased (`CRITICAL`, `HIGH`, …, `UNKNOWN`). */
  readonly severity: string;
  readonly count: number;
}

export interface VulnResultSummary {
  /** `trivy` (`Results[].Vulnerabilities[]`) or `grype` (`matches[]`). */
  readonly format: 'trivy' | 'grype';
  readonly findings: number;
  readonly bySeverity: readonly VulnSeverityCount[];
  /** True when the report has more than {@link MAX_VULN_FINDINGS_COUNTED} findings (counts are partial). */
  readonly truncated: boolean;
}

export interface CosignVuln {
  readonly scannerUri: string | undefined;
  readonly scannerVersion: string | undefined;
  readonly dbUri: string | undefined;
  readonly dbVersion: string | undefined;
  readonly invocationUri: string | undefined;
  readonly scanStartedOn: string | undefined;
  readonly scanFinishedOn: string | undefined;
  /** Whether `scanner.result` is present at all (its format is the scanner's own). */
  readonly hasResult: boolean;
  /** Counts by severity when the result is a Trivy or Grype report; undefined otherwise. */
  readonly summary: VulnResultSummary | undefined;
}

/** Whether {@link cosignVulnOf} reads this predicate type (either spelling cosign has written). */
export function isCosignVulnPredicateType(type: string | undefined): boolean {
  return type === COSIGN_VULN_PREDICATE_TYPE || type === COSIGN_VULN_PREDICATE_TYPE_V1_LEGACY;
}

/** The vuln-scan view of a statement, or undefined when it is not cosign's vuln predicate. */
export function cosignVulnOf(statement: unknown): CosignVuln | undefined {
  if (!isCosignVulnPredicateType(str(at(statement, 'predicateType')))) return undefined;
  const predicate = at(statement, 'predicate');
  if (!isRecord(predicate)) return undefined;
  const scanner = at(predicate, 'scanner');
  const result = at(scanner, 'result');
  return {
    scannerUri: str(at(scanner, 'uri')),
    scannerVersion: str(at(scanner, 'version')),
    dbUri: str(at(scanner, 'db', 'uri')),
    dbVersion: str(at(scanner, 'db', 'version')),
    invocationUri: str(at(predicate, 'invocation', 'uri')),
    scanStartedOn: str(at(predicate, 'metadata', 'scanStartedOn')),
    scanFinishedOn: str(at(predicate, 'metadata', 'scanFinishedOn')),
    hasResult: result !== undefined && result !== null,
    summary: summaryOf(result),
  };
}

function summaryOf(result: unknown): VulnResultSummary | undefined {
  const trivy = at(result, 'Results');
  if (Array.isArray(trivy)) {
    const counter = new Counter();
    for (const target of trivy) {
      const vulnerabilities = at(target, 'Vulnerabilities');
      if (!Array.isArray(vulnerabilities)) continue;
      for (const v of vulnerabilities) if (!counter.add(at(v, 'Severity'))) break;
      if (counter.truncated) break;
    }
    return counter.summary('trivy');
  }
  const grype = at(result, 'matches');
  if (Array.isArray(grype)) {
    const counter = new Counter();
    for (const match of grype) if (!counter.add(at(match, 'vulnerability', 'severity'))) break;
    return counter.summary('grype');
  }
  return undefined;
}

class Counter {
  private readonly counts = new Map<string, number>();
  private findings = 0;
  truncated = false;

  /** Counts one finding; false once the cap is reached (the caller stops). */
  add(severity: unknown): boolean {
    if (this.findings >= MAX_VULN_FINDINGS_COUNTED) {
      this.truncated = true;
      return false;
    }
    this.findings += 1;
    // Severities are a short vocabulary; anything else (or absurdly long) counts as UNKNOWN.
    const s = typeof severity === 'string' && severity.length <= 32 ? severity.toUpperCase() : 'UNKNOWN';
    this.counts.set(s, (this.counts.get(s) ?? 0) + 1);
    return true;
  }

  summary(format: 'trivy' | 'grype'): VulnResultSummary {
    return {
      format,
      findings: this.findings,
      bySeverity: [...this.counts].map(([severity, count]) => ({ severity, count })),
      truncated: this.truncated,
    };
  }
}

function str(value: unknown): string | undefined {
  return stringUpTo(value, MAX_VULN_FIELD_LENGTH);
}
