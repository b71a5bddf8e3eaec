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
    @Ctx() ctx: GraphQLContext,
  ): Promise<Verification> {
    const valid = toPolicy(policy);
    const manifest = await ctx.images.manifestOf(image.reference);
    return Verification.from(
      await ctx.verification.verifyManifest(image.reference.repositoryRef, manifest, valid),
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
    @Ctx() ctx: GraphQLContext,
  ): Promise<Verification> {
    const valid = toPolicy(policy);
    const view = manifest.view;
    const outcome =
      view.kind === 'index-entry'
        ? await ctx.verification.verifyIndexEntry(view.repo, manifest.digest, valid, view.index)
        : await ctx.verification.verifyManifest(view.repo, view.fetched, valid);
    return Verification.from(outcome);
  }
}
