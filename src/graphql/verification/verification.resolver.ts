import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { describeSignature } from '../../services/signature-views.js';
import type { GraphQLContext } from '../context.js';
import { Image } from '../image/index.js';
import { PlatformManifest } from '../manifest/index.js';
import { Signature } from '../signature/index.js';
import { PolicyInput, toPolicy } from './policy.input.js';
import { Verification } from './verification.type.js';

const SIGNATURES_DESCRIPTION =
  'Signatures stored for this manifest (legacy `.sig` tag and Sigstore bundle referrers), unverified.';
const FIND_SIGNED_INDEX_DESCRIPTION =
  'When the manifest is UNSIGNED and no signed index listing it is known to the service, look through up to ' +
  "N of the repository's tags (IMPRIMATUR_HINT_SCAN_MAX_TAGS, default 50) for a signed image index that lists it, " +
  'and name it in `hint`. May cost up to N+1 registry requests per call (plus the signature look-up of an index ' +
  'that lists the manifest). Never changes `status`; registry trouble during the scan only means no hint.';
const VERIFICATION_DESCRIPTION =
  'Verifies this manifest under `policy`, like `cosign verify` with the same flags, and explains every outcome.';

/** Signatures and verification of the manifest an image reference names. One-liners into services. */
@Resolver(() => Image)
export class ImageVerificationResolver {
  @FieldResolver(() => [Signature], { description: SIGNATURES_DESCRIPTION })
  async signatures(@Root() image: Image, @Ctx() ctx: GraphQLContext): Promise<Signature[]> {
    const manifest = await ctx.images.manifestOf(image.reference);
    const found = await ctx.verification.signaturesOf(image.reference.repositoryRef, manifest.digest);
    return found.signatures.map((s) => Signature.from(describeSignature(s)));
  }

  @FieldResolver(() => Verification, { description: VERIFICATION_DESCRIPTION })
  async verification(
    @Root() image: Image,
    @Arg('policy', () => PolicyInput) policy: PolicyInput,
    @Arg('findSignedIndex', () => Boolean, {
      nullable: true,
      defaultValue: false,
      description: FIND_SIGNED_INDEX_DESCRIPTION,
    })
    findSignedIndex: boolean | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Verification> {
    const valid = toPolicy(policy);
    const manifest = await ctx.images.manifestOf(image.reference);
    return Verification.from(
      await ctx.verification.verifyManifest(image.reference.repositoryRef, manifest, valid, {
        scanTags: findSignedIndex === true,
      }),
    );
  }
}

/** The same for a platform manifest; reached through an index, it can inherit the index's trust. */
@Resolver(() => PlatformManifest)
export class PlatformManifestVerificationResolver {
  @FieldResolver(() => [Signature], { description: SIGNATURES_DESCRIPTION })
  async signatures(@Root() manifest: PlatformManifest, @Ctx() ctx: GraphQLContext): Promise<Signature[]> {
    const found = await ctx.verification.signaturesOf(manifest.view.repo, manifest.digest);
    return found.signatures.map((s) => Signature.from(describeSignature(s)));
  }

  @FieldResolver(() => Verification, {
    description: `${VERIFICATION_DESCRIPTION} Reached through a manifest list whose signature verifies, an unsigned platform manifest is VERIFIED_VIA_INDEX.`,
  })
  async verification(
    @Root() manifest: PlatformManifest,
    @Arg('policy', () => PolicyInput) policy: PolicyInput,
    @Arg('findSignedIndex', () => Boolean, {
      nullable: true,
      defaultValue: false,
      description: FIND_SIGNED_INDEX_DESCRIPTION,
    })
    findSignedIndex: boolean | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Verification> {
    const valid = toPolicy(policy);
    const view = manifest.view;
    const options = { scanTags: findSignedIndex === true };
    const outcome =
      view.kind === 'index-entry'
        ? await ctx.verification.verifyIndexEntry(view.repo, manifest.digest, valid, view.index, options)
        : await ctx.verification.verifyManifest(view.repo, view.fetched, valid, options);
    return Verification.from(outcome);
  }
}
