import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { ManifestList, PlatformManifest } from '../manifest/index.js';
import { Image } from './image.type.js';

/** One-liners into `ImageService`: parsing, fetching and matching all live there, shared with REST. */
@Resolver(() => Image)
export class ImageResolver {
  @Query(() => Image, {
    description: 'An image by reference. Parsing only: nothing is fetched until a field needs it.',
  })
  image(@Arg('ref', () => String) ref: string, @Ctx() ctx: GraphQLContext): Image {
    return Image.from(ctx.images.parseReference(ref));
  }

  @Query(() => [Image], {
    description: 'Several images; all references are validated before any is fetched.',
  })
  images(@Arg('refs', () => [String]) refs: string[], @Ctx() ctx: GraphQLContext): Image[] {
    return ctx.images.parseReferences(refs).map((reference) => Image.from(reference));
  }

  @FieldResolver(() => String, {
    description:
      'Digest of the manifest the reference names, computed locally from the bytes served (never taken from a header).',
  })
  async digest(@Root() image: Image, @Ctx() ctx: GraphQLContext): Promise<string> {
    return (await ctx.images.manifestOf(image.reference)).digest;
  }

  @FieldResolver(() => String, { description: 'Media type of the manifest the reference names.' })
  async mediaType(@Root() image: Image, @Ctx() ctx: GraphQLContext): Promise<string> {
    return (await ctx.images.manifestOf(image.reference)).mediaType;
  }

  @FieldResolver(() => ManifestList, {
    nullable: true,
    description: 'The manifest list / index; null when the reference names a single-platform manifest.',
  })
  async manifestList(@Root() image: Image, @Ctx() ctx: GraphQLContext): Promise<ManifestList | null> {
    const view = await ctx.images.manifestListOf(image.reference);
    return view === null ? null : ManifestList.from(view);
  }

  @FieldResolver(() => PlatformManifest, {
    nullable: true,
    description: 'The manifest itself when the reference names a single-platform manifest; null for a list.',
  })
  async manifest(@Root() image: Image, @Ctx() ctx: GraphQLContext): Promise<PlatformManifest | null> {
    const view = await ctx.images.singleManifestOf(image.reference);
    return view === null ? null : PlatformManifest.from(view);
  }

  @FieldResolver(() => PlatformManifest, {
    nullable: true,
    description:
      'The manifest for one platform (`linux/arm64`, `linux/arm/v7`; `arm64` matches with or without `v8`). Never an attestation entry. Null when the image has no such platform.',
  })
  async platform(
    @Root() image: Image,
    @Arg('platform', () => String) platform: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PlatformManifest | null> {
    const view = await ctx.images.manifestForPlatform(image.reference, platform);
    return view === null ? null : PlatformManifest.from(view);
  }
}
