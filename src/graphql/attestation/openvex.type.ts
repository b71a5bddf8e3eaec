import { Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root, registerEnumType } from 'type-graphql';
import type { OpenVex as OpenVexView } from '../../attestations/views/index.js';
import type { GraphQLContext } from '../context.js';
import { Attestation } from './attestation.type.js';

export enum VexStatus {
  NOT_AFFECTED = 'not_affected',
  AFFECTED = 'affected',
  FIXED = 'fixed',
  UNDER_INVESTIGATION = 'under_investigation',
}
registerEnumType(VexStatus, {
  name: 'VexStatus',
  description: 'The status an OpenVEX statement gives a product for a vulnerability.',
});

@ObjectType({ description: 'A product an OpenVEX statement is about.' })
export class VexProduct {
  @Field(() => String, {
    description:
      'The product’s `@id` (usually a purl); without one, its purl, CPE 2.3 or CPE 2.2 identifier.',
  })
  id!: string;

  @Field(() => String, { nullable: true, description: '`identifiers.purl`.' })
  purl?: string;

  @Field(() => String, { nullable: true, description: '`identifiers.cpe23`, else `identifiers.cpe22`.' })
  cpe?: string;

  @Field(() => [String], {
    description: 'Subcomponents’ `@id`s, else their purl or CPE (at most 100).',
  })
  subcomponents!: string[];
}

@ObjectType({ description: 'One OpenVEX statement: a vulnerability, its status, and the products.' })
export class VexStatement {
  @Field(() => String, { description: '`vulnerability.name` (v0.2) or the `vulnerability` string (v0.0.x).' })
  vulnerability!: string;

  @Field(() => [String], { description: '`vulnerability.aliases` (at most 100).' })
  aliases!: string[];

  @Field(() => VexStatus)
  status!: VexStatus;

  @Field(() => String, {
    nullable: true,
    description: 'Why not affected (e.g. `vulnerable_code_not_present`).',
  })
  justification?: string;

  @Field(() => String, { nullable: true, description: '`impact_statement`.' })
  impactStatement?: string;

  @Field(() => String, { nullable: true, description: '`action_statement`.' })
  actionStatement?: string;

  @Field(() => [VexProduct], {
    description:
      'At most 100; empty when the statement names none (the attestation’s subjects are then its products).',
  })
  products!: VexProduct[];

  @Field(() => String, { nullable: true, description: 'The statement’s own timestamp, else the document’s.' })
  timestamp?: string;
}

@ObjectType('OpenVex', {
  description:
    'An OpenVEX document read from the statement as stored: what it claims, trusted only as far as ' +
    '`attestationVerification` says. Strings missing, not strings or over 4096 characters are null; ' +
    'statements without a known status or a vulnerability name are left out.',
})
export class OpenVex {
  @Field(() => String, { nullable: true, description: '`@context`, e.g. `https://openvex.dev/ns/v0.2.0`.' })
  context?: string;

  @Field(() => String, { nullable: true, description: '`@id` of the document.' })
  id?: string;

  @Field(() => String, { nullable: true })
  author?: string;

  @Field(() => String, { nullable: true })
  timestamp?: string;

  @Field(() => Int, { nullable: true, description: 'The document’s `version`.' })
  version?: number;

  @Field(() => Int, { description: 'Statements in the document (those shown are at most 1000).' })
  statementCount!: number;

  @Field(() => [VexStatement])
  statements!: VexStatement[];

  static from(view: OpenVexView): OpenVex {
    return Object.assign(new OpenVex(), {
      ...view,
      statements: view.statements.map((s) =>
        Object.assign(new VexStatement(), {
          ...s,
          aliases: [...s.aliases],
          status: s.status as VexStatus,
          products: s.products.map((p) =>
            Object.assign(new VexProduct(), { ...p, subcomponents: [...p.subcomponents] }),
          ),
        }),
      ),
    });
  }
}

/** `Attestation.openVex`: a typed view so a portal need not parse in-toto JSON. */
@Resolver(() => Attestation)
export class AttestationOpenVexResolver {
  @FieldResolver(() => OpenVex, {
    nullable: true,
    description:
      'The OpenVEX view of this attestation (predicate type `https://openvex.dev/ns`, or a versioned ' +
      '`https://openvex.dev/ns/vX.Y.Z`); null for other types. ' +
      'A predicate of this type that cannot be read as one is a field error with code MALFORMED_PREDICATE saying why.',
  })
  openVex(@Root() attestation: Attestation, @Ctx() ctx: GraphQLContext): OpenVex | null {
    const view = ctx.attestationContent.view('openVex', attestation.view);
    return view === null ? null : OpenVex.from(view);
  }
}
