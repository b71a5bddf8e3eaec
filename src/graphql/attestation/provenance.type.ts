import { Ctx, Field, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import type { SlsaProvenance as SlsaProvenanceView } from '../../attestations/views/index.js';
import type { GraphQLContext } from '../context.js';
import { Attestation } from './attestation.type.js';

@ObjectType('SlsaProvenance', {
  description:
    'SLSA provenance (v0.2 or v1) read from the statement as stored: what it claims, trusted only as far as ' +
    '`attestationVerification` says. A field missing, not a string or over 2048 characters is null.',
})
export class SlsaProvenance {
  @Field(() => String, { description: '`v0.2` or `v1`.' })
  slsaVersion!: string;

  @Field(() => String, { nullable: true, description: 'v1 `runDetails.builder.id`; v0.2 `builder.id`.' })
  builderId?: string;

  @Field(() => String, { nullable: true })
  buildType?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'v1 `externalParameters.workflow.repository`, else `configSource.uri` (BuildKit), else the first Git ' +
      'resolved dependency; v0.2 `configSource.uri` (without `git+`, `@ref` or `#ref`).',
  })
  sourceRepository?: string;

  @Field(() => String, { nullable: true, description: 'The source ref (e.g. `refs/heads/main`).' })
  sourceRef?: string;

  @Field(() => String, { nullable: true, description: 'The source commit (`gitCommit` or `sha1`).' })
  sourceDigest?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'v1 `externalParameters.workflow.path`, else `configSource.path` (BuildKit); v0.2 `configSource.entryPoint`.',
  })
  workflow?: string;

  @Field(() => String, {
    nullable: true,
    description: 'v1 `internalParameters.github.event_name`; v0.2 `environment.github_event_name`.',
  })
  trigger?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'v1 `runDetails.metadata.invocationId` (or `invocationID`); v0.2 `metadata.buildInvocationId` (or `buildInvocationID`).',
  })
  invocationId?: string;

  @Field(() => String, { nullable: true })
  startedOn?: string;

  @Field(() => String, { nullable: true })
  finishedOn?: string;

  static from(view: SlsaProvenanceView): SlsaProvenance {
    return Object.assign(new SlsaProvenance(), view);
  }
}

/** `Attestation.provenance`: a typed view so a portal need not parse in-toto JSON. */
@Resolver(() => Attestation)
export class AttestationProvenanceResolver {
  @FieldResolver(() => SlsaProvenance, {
    nullable: true,
    description:
      'The SLSA provenance view of this attestation; null when it is not SLSA provenance v0.2/v1. ' +
      'A predicate of this type that cannot be read as one is a field error with code MALFORMED_PREDICATE saying why.',
  })
  provenance(@Root() attestation: Attestation, @Ctx() ctx: GraphQLContext): SlsaProvenance | null {
    const view = ctx.attestationContent.view('provenance', attestation.view);
    return view === null ? null : SlsaProvenance.from(view);
  }
}
