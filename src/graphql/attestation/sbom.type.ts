import {
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  Int,
  ObjectType,
  Resolver,
  Root,
  registerEnumType,
} from 'type-graphql';
import {
  DEFAULT_SBOM_PAGE_SIZE,
  MAX_COMPONENT_LICENSES,
  MAX_NAME_FILTER_LENGTH,
  MAX_SBOM_COMPONENTS,
  MAX_SBOM_FIELD_LENGTH,
  MAX_SBOM_PAGE_SIZE,
  sbomPage,
  type Sbom as SbomView,
  type SbomComponent as SbomComponentView,
} from '../../attestations/views/index.js';
import type { GraphQLContext } from '../context.js';
import { Attestation } from './attestation.type.js';

export enum SbomFormat {
  SPDX = 'SPDX',
  CYCLONEDX = 'CYCLONEDX',
}
registerEnumType(SbomFormat, {
  name: 'SbomFormat',
  description: 'The SBOM document format.',
  valuesConfig: {
    SPDX: { description: 'SPDX 2.x JSON (predicate type `https://spdx.dev/Document`).' },
    CYCLONEDX: { description: 'CycloneDX 1.4–1.6 JSON (predicate type `https://cyclonedx.org/bom`).' },
  },
});

@ObjectType({
  description: `One component as the SBOM states it (unverified by being shown). Strings over ${MAX_SBOM_FIELD_LENGTH} characters are null; a component without a usable name is not listed.`,
})
export class SbomComponent {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'SPDX `versionInfo`; CycloneDX `version`.' })
  version?: string;

  @Field(() => String, {
    nullable: true,
    description: 'Package URL: SPDX `externalRefs` of type `purl`; CycloneDX `purl`.',
  })
  purl?: string;

  @Field(() => [String], {
    description: `SPDX \`licenseConcluded\` and \`licenseDeclared\` (not NOASSERTION/NONE); CycloneDX license ids, names and expressions. Deduplicated, at most ${MAX_COMPONENT_LICENSES}.`,
  })
  licenses!: string[];

  static from(view: SbomComponentView): SbomComponent {
    return Object.assign(new SbomComponent(), view, { licenses: [...view.licenses] });
  }
}

@ObjectType('SbomComponentPage', { description: 'One page of components, in document order.' })
export class SbomComponentPage {
  @Field(() => Int, { description: 'Components matching `nameContains` (all components read without it).' })
  totalCount!: number;

  @Field(() => [SbomComponent])
  items!: SbomComponent[];

  @Field(() => String, {
    nullable: true,
    description: 'Pass as `after` (with the same `nameContains`) for the next page; null on an empty page.',
  })
  endCursor?: string;

  @Field(() => Boolean)
  hasNextPage!: boolean;
}

@ArgsType()
export class SbomComponentsArgs {
  @Field(() => Int, {
    defaultValue: DEFAULT_SBOM_PAGE_SIZE,
    description: `Page size, 0 to ${MAX_SBOM_PAGE_SIZE}; larger is INVALID_ARGUMENT (BAD_USER_INPUT).`,
  })
  first!: number;

  @Field(() => String, { nullable: true, description: '`endCursor` of the previous page.' })
  after?: string | null;

  @Field(() => String, {
    nullable: true,
    description: `Only components whose name contains this, ignoring case (at most ${MAX_NAME_FILTER_LENGTH} characters).`,
  })
  nameContains?: string | null;
}

@ObjectType('Sbom', {
  description:
    'The SBOM an attestation carries (SPDX 2.x or CycloneDX 1.4–1.6 JSON), read from the statement as stored: ' +
    'what it claims, trusted only as far as `attestationVerification` says.',
})
export class Sbom {
  @Field(() => SbomFormat)
  format!: SbomFormat;

  @Field(() => String, {
    nullable: true,
    description: 'SPDX `spdxVersion` (`SPDX-2.3`); CycloneDX `specVersion`.',
  })
  specVersion?: string;

  @Field(() => Int, {
    description:
      'Components the document lists: SPDX packages; CycloneDX components, nested ones included ' +
      '(a lower bound when `truncated`).',
  })
  componentCount!: number;

  @Field(() => Boolean, {
    description: `True when the document lists more than the ${MAX_SBOM_COMPONENTS} components read; the rest are not pageable.`,
  })
  truncated!: boolean;

  /** The parsed view, shared by every page asked of it. */
  view!: SbomView;

  @Field(() => SbomComponentPage, {
    description: `A page of components in document order; cursors are opaque and valid with the same \`nameContains\`. At most ${MAX_SBOM_PAGE_SIZE} per page.`,
  })
  components(@Args(() => SbomComponentsArgs) args: SbomComponentsArgs): SbomComponentPage {
    const page = sbomPage(this.view, {
      first: args.first,
      after: args.after ?? undefined,
      nameContains: args.nameContains ?? undefined,
    });
    return Object.assign(new SbomComponentPage(), {
      totalCount: page.totalCount,
      items: page.items.map((c) => SbomComponent.from(c)),
      endCursor: page.endCursor,
      hasNextPage: page.hasNextPage,
    });
  }

  static from(view: SbomView): Sbom {
    return Object.assign(new Sbom(), {
      format: SbomFormat[view.format],
      specVersion: view.specVersion,
      componentCount: view.componentCount,
      truncated: view.truncated,
      view,
    });
  }
}

/** `Attestation.sbom`: a typed view so a portal need not parse SPDX or CycloneDX. */
@Resolver(() => Attestation)
export class AttestationSbomResolver {
  @FieldResolver(() => Sbom, {
    nullable: true,
    description:
      'The SBOM view of this attestation; null when its predicate type is not SPDX or CycloneDX. Read once per ' +
      'statement digest and kept (IMPRIMATUR_CACHE_VIEWS_MAX_BYTES), so paging a large SBOM reads it once. ' +
      'A predicate of this type that cannot be read as one is a field error with code MALFORMED_PREDICATE saying why.',
  })
  sbom(@Root() attestation: Attestation, @Ctx() ctx: GraphQLContext): Sbom | null {
    const view = ctx.attestationContent.view('sbom', attestation.view);
    return view === null ? null : Sbom.from(view);
  }
}
