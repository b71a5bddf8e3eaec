import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { DiscoveryResult } from '../../discovery/index.js';
import { describeSignature } from '../../services/signature-views.js';
import type { GraphQLContext } from '../context.js';
import { Image } from '../image/index.js';
import { PlatformManifest } from '../manifest/index.js';
import { Signature } from '../signature/index.js';
import { VerificationArgs, verificationRequest } from './verification.args.js';
import { Verification } from './verification.type.js';

const SIGNATURES_DESCRIPTION =
  'Signatures stored for this manifest (legacy `.sig` tag and Sigstore bundle referrers), unverified.';
const VERIFICATION_DESCRIPTION =
  'Verifies this manifest under `policy`, like `cosign verify` with the same flags, and explains every outcome.';

const signaturesOf = (found: DiscoveryResult): Signature[] =>
  found.signatures.map((s) => Signature.from(describeSignature(s)));

/** Signatures and verification of the manifest an image reference names. One-liners into services. */
@Resolver(() => Image)
export class ImageVerificationResolver {
  @FieldResolver(() => [Signature], { description: SIGNATURES_DESCRIPTION })
  async signatures(@Root() image: Image, @Ctx() ctx: GraphQLContext): Promise<Signature[]> {
    const manifest = await ctx.images.manifestOf(image.reference);
    return signaturesOf(await ctx.verification.signaturesOf(image.reference.repositoryRef, manifest.digest));
  }

  @FieldResolver(() => Verification, { description: VERIFICATION_DESCRIPTION })
  async verification(
    @Root() image: Image,
    @Args(() => VerificationArgs) args: VerificationArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Verification> {
    const { policy, options } = verificationRequest(args);
    const manifest = await ctx.images.manifestOf(image.reference);
    return Verification.from(
      await ctx.verification.verifyManifest(image.reference.repositoryRef, manifest, policy, options),
    );
  }
}

/** The same for a platform manifest; reached through an index, it can inherit the index's trust. */
@Resolver(() => PlatformManifest)
export class PlatformManifestVerificationResolver {
  @FieldResolver(() => [Signature], { description: SIGNATURES_DESCRIPTION })
  async signatures(@Root() manifest: PlatformManifest, @Ctx() ctx: GraphQLContext): Promise<Signature[]> {
    return signaturesOf(await ctx.verification.signaturesOf(manifest.view.repo, manifest.digest));
  }

  @FieldResolver(() => Verification, {
    description: `${VERIFICATION_DESCRIPTION} Reached through a manifest list whose signature verifies, an unsigned platform manifest is VERIFIED_VIA_INDEX.`,
  })
  async verification(
    @Root() manifest: PlatformManifest,
    @Args(() => VerificationArgs) args: VerificationArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Verification> {
    const { policy, options } = verificationRequest(args);
    const view = manifest.view;
    const outcome =
      view.kind === 'index-entry'
        ? await ctx.verification.verifyIndexEntry(view.repo, manifest.digest, policy, view.index, options)
        : await ctx.verification.verifyManifest(view.repo, view.fetched, policy, options);
    return Verification.from(outcome);
  }
}
