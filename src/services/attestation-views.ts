import type { DiscoveredAttestation, InTotoStatement } from '../attestations/discovery/index.js';
import { UnreachableCaseError } from '../errors/index.js';
import { describeBundle, describeLegacyMaterial, type SignatureView } from './signature-views.js';

/**
 * Largest statement returned as JSON. Predicates can be megabytes (an SBOM of a large image); a
 * portal listing attestations should not receive them by accident, and a hostile registry should
 * not be able to inflate every answer. Larger statements are reported with their size and no JSON.
 */
export const STATEMENT_JSON_MAX_BYTES = 256 * 1024;

export type AttestationSource = 'LEGACY_TAG' | 'BUNDLE_REFERRER' | 'BUILDKIT';

export interface AttestationView {
  readonly source: AttestationSource;
  /** The stored object's own digest: the `.att` or BuildKit layer, or the bundle referrer manifest. */
  readonly digest: string;
  readonly predicateType: string | undefined;
  /** `_type` of the statement (`https://in-toto.io/Statement/v0.1` or `/v1`). */
  readonly statementType: string | undefined;
  readonly subjects: InTotoStatement['subjects'];
  readonly payloadType: string | undefined;
  readonly signed: boolean;
  /** Size in bytes of the statement as stored. */
  readonly statementSize: number;
  /** The statement as JSON, or undefined above {@link STATEMENT_JSON_MAX_BYTES}. Parsed when read. */
  readonly statement: unknown;
  /**
   * The whole statement as JSON whatever its size (within the attestation blob cap), or undefined
   * when it is not JSON: what the typed views read. Parsed when read, at most once.
   */
  readonly content: unknown;
  /** Certificate, log entry and timestamps of a signed attestation (undefined for BuildKit's). */
  readonly signing: Pick<SignatureView, 'certificate' | 'transparencyLog' | 'timestamps'> | undefined;
}

const SOURCE: Readonly<Record<DiscoveredAttestation['kind'], AttestationSource>> = {
  'legacy-tag': 'LEGACY_TAG',
  'bundle-referrer': 'BUNDLE_REFERRER',
  buildkit: 'BUILDKIT',
};

/** Plain data for the edges; unverified, like signature views (see signature-views.ts). */
export function describeAttestation(attestation: DiscoveredAttestation): AttestationView {
  const statement = attestation.statement;
  const view = {
    source: SOURCE[attestation.kind],
    predicateType: statement?.predicateType,
    statementType: statement?.type,
    subjects: statement?.subjects ?? [],
    statementSize: statement?.bytes.length ?? 0,
    ...storage(attestation),
  };
  // Getters, so a query that does not ask for the statement never parses it; parsed at most once,
  // however many fields read it (`statement` and each typed view). Readers share the parsed value
  // and must not change it.
  let parsed: { readonly json: unknown } | undefined;
  const content = () => (parsed ??= { json: statementJson(statement) }).json;
  return Object.defineProperties(view, {
    content: { get: content, enumerable: false },
    statement: {
      get: () => (view.statementSize > STATEMENT_JSON_MAX_BYTES ? undefined : content()),
      enumerable: true,
    },
  }) as typeof view & { readonly statement: unknown; readonly content: unknown };
}

function storage(
  attestation: DiscoveredAttestation,
): Pick<AttestationView, 'digest' | 'payloadType' | 'signed' | 'signing'> {
  switch (attestation.kind) {
    case 'legacy-tag':
      return {
        digest: attestation.layerDigest,
        payloadType: attestation.envelope.payloadType,
        signed: true,
        signing: describeLegacyMaterial(attestation),
      };
    case 'bundle-referrer':
      return {
        digest: attestation.referrer.manifestDigest,
        payloadType: attestation.referrer.payloadType,
        signed: true,
        signing: describeBundle(attestation.referrer),
      };
    case 'buildkit':
      return { digest: attestation.layerDigest, payloadType: undefined, signed: false, signing: undefined };
    default:
      throw new UnreachableCaseError(attestation);
  }
}

function statementJson(statement: InTotoStatement | undefined): unknown {
  if (statement === undefined) return undefined;
  try {
    // Already parsed once under discovery's depth cap, so this cannot recurse without bound.
    return JSON.parse(Buffer.from(statement.bytes).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
