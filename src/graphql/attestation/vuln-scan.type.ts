import { Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root } from 'type-graphql';
import type { CosignVuln } from '../../attestations/views/index.js';
import type { GraphQLContext } from '../context.js';
import { Attestation } from './attestation.type.js';

@ObjectType({ description: 'How many findings of one severity a scan report holds.' })
export class VulnSeverityCount {
  @Field(() => String, { description: 'As the scanner wrote it, upper-cased (`CRITICAL`, `HIGH`, …).' })
  severity!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Counts read from a Trivy or Grype report in `scanner.result`.' })
export class VulnResultSummary {
  @Field(() => String, { description: '`trivy` or `grype`: the report shape that was recognised.' })
  format!: string;

  @Field(() => Int, { description: 'Findings counted (at most 20000).' })
  findings!: number;

  @Field(() => [VulnSeverityCount])
  bySeverity!: VulnSeverityCount[];

  @Field(() => Boolean, { description: 'True when the report has more findings than were counted.' })
  truncated!: boolean;
}

@ObjectType({
  description:
    'cosign’s vulnerability scan record read from the statement as stored: what it claims, trusted only ' +
    'as far as `attestationVerification` says. A string missing, not a string or over 2048 characters is null.',
})
export class VulnScan {
  @Field(() => String, { nullable: true, description: '`scanner.uri` (e.g. a purl of the scanner).' })
  scannerUri?: string;

  @Field(() => String, { nullable: true })
  scannerVersion?: string;

  @Field(() => String, { nullable: true, description: '`scanner.db.uri`.' })
  dbUri?: string;

  @Field(() => String, { nullable: true, description: '`scanner.db.version`.' })
  dbVersion?: string;

  @Field(() => String, { nullable: true, description: '`invocation.uri`.' })
  invocationUri?: string;

  @Field(() => String, { nullable: true, description: '`metadata.scanStartedOn`.' })
  scanStartedOn?: string;

  @Field(() => String, { nullable: true, description: '`metadata.scanFinishedOn`.' })
  scanFinishedOn?: string;

  @Field(() => Boolean, { description: 'Whether `scanner.result` is present (its format is the scanner’s).' })
  hasResult!: boolean;

  @Field(() => VulnResultSummary, {
    nullable: true,
    description: 'Counts by severity when the result is a Trivy or Grype JSON report; null otherwise.',
  })
  summary?: VulnResultSummary;

  static from(view: CosignVuln): VulnScan {
    const s = view.summary;
    return Object.assign(new VulnScan(), {
      ...view,
      summary:
        s === undefined
          ? undefined
          : Object.assign(new VulnResultSummary(), {
              ...s,
              bySeverity: s.bySeverity.map((c) => Object.assign(new VulnSeverityCount(), c)),
            }),
    });
  }
}

/** `Attestation.vulnScan`: a typed view so a portal need not parse in-toto JSON. */
@Resolver(() => Attestation)
export class AttestationVulnScanResolver {
  @FieldResolver(() => VulnScan, {
    nullable: true,
    description:
      'The view of cosign’s vuln scan record (predicate type `https://cosign.sigstore.dev/attestation/vuln/v1`, or ' +
      'cosign 1.x’s `cosign.sigstore.dev/attestation/vuln/v1`); null for other types. A predicate of this type ' +
      'that cannot be read as one is a field error with code MALFORMED_PREDICATE saying why.',
  })
  vulnScan(@Root() attestation: Attestation, @Ctx() ctx: GraphQLContext): VulnScan | null {
    const view = ctx.attestationContent.view('vulnScan', attestation.view);
    return view === null ? null : VulnScan.from(view);
  }
}
