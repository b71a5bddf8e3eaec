import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { Platform } from './platform.type.js';
import { PlatformManifest } from './platform-manifest.type.js';

@Resolver(() => PlatformManifest)
export class PlatformManifestResolver {
  @FieldResolver(() => Platform, {
    nullable: true,
    description:
      'The platform: from the index entry, or for a single-platform image from its config blob (one extra blob request).',
  })
  async platform(@Root() manifest: PlatformManifest, @Ctx() ctx: GraphQLContext): Promise<Platform | null> {
    const platform = await ctx.images.platformOf(manifest.view);
    return platform === undefined ? null : Platform.from(platform);
  }
}
