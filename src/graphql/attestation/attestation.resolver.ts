import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { AttestationDiscoveryResult } from '../../attestations/discovery/index.js';
import { describeAttestation } from '../../services/attestation-views.js';
import type { GraphQLContext } from '../context.js';
import { Image } from '../image/index.js';
import { PlatformManifest } from '../manifest/index.js';
import { attestationPolicy, AttestationsArgs, AttestationVerificationArgs } from './attestation.args.js';
import { Attestation } from './attestation.type.js';
import { AttestationVerification } from './attestation-verification.type.js';

const ATTESTATIONS_DESCRIPTION =
  'In-toto attestations stored for this manifest (legacy `.att` tag, Sigstore bundle referrers and, for a platform manifest reached through an index, BuildKit attestation manifests), deduplicated and unverified.';
const VERIFICATION_DESCRIPTION =
  'Verifies the attestations of one predicate type under `policy`, like `cosign verify-attestation --type` with the same flags: signature, certificate chain, transparency log or timestamp, identity, and a statement subject naming this digest.';

const list = (
  found: AttestationDiscoveryResult,
  ctx: GraphQLContext,
  predicateType: string | null | undefined,
) =>
  ctx.attestations
    .select(found, predicateType ?? undefined)
    .map((a) => Attestation.from(describeAttestation(a)));

/** Attestations of the manifest an image reference names. One-liners into the per-request service. */
@Resolver(() => Image)
export class ImageAttestationResolver {
  @FieldResolver(() => [Attestation], { description: ATTESTATIONS_DESCRIPTION })
  async attestations(
    @Root() image: Image,
    @Args(() => AttestationsArgs) args: AttestationsArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Attestation[]> {
    const manifest = await ctx.images.manifestOf(image.reference);
    const found = await ctx.attestations.attestationsOf(
      image.reference.repositoryRef,
      manifest.digest,
      undefined,
    );
    return list(found, ctx, args.predicateType);
  }

  @FieldResolver(() => AttestationVerification, { description: VERIFICATION_DESCRIPTION })
  async attestationVerification(
    @Root() image: Image,
    @Args(() => AttestationVerificationArgs) args: AttestationVerificationArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AttestationVerification> {
    const policy = attestationPolicy(args);
    const manifest = await ctx.images.manifestOf(image.reference);
    return AttestationVerification.from(
      await ctx.attestations.verify(
        image.reference.repositoryRef,
        manifest.digest,
        policy,
        args.predicateType,
        undefined,
        args.conditions ?? [],
      ),
    );
  }
}

/** The same for a platform manifest; reached through an index, BuildKit's statements and the index's trust apply. */
@Resolver(() => PlatformManifest)
export class PlatformManifestAttestationResolver {
  @FieldResolver(() => [Attestation], { description: ATTESTATIONS_DESCRIPTION })
  async attestations(
    @Root() manifest: PlatformManifest,
    @Args(() => AttestationsArgs) args: AttestationsArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Attestation[]> {
    const view = manifest.view;
    const index = view.kind === 'index-entry' ? view.index : undefined;
    return list(
      await ctx.attestations.attestationsOf(view.repo, manifest.digest, index),
      ctx,
      args.predicateType,
    );
  }

  @FieldResolver(() => AttestationVerification, {
    description: `${VERIFICATION_DESCRIPTION} Reached through an index whose attestation of this type verifies, it is VERIFIED_VIA_INDEX.`,
  })
  async attestationVerification(
    @Root() manifest: PlatformManifest,
    @Args(() => AttestationVerificationArgs) args: AttestationVerificationArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AttestationVerification> {
    const policy = attestationPolicy(args);
    const view = manifest.view;
    const index = view.kind === 'index-entry' ? view.index : undefined;
    return AttestationVerification.from(
      await ctx.attestations.verify(
        view.repo,
        manifest.digest,
        policy,
        args.predicateType,
        index,
        args.conditions ?? [],
      ),
    );
  }
}
