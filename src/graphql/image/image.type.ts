import { Field, ObjectType } from 'type-graphql';
import type { ImageReference } from '../../reference/index.js';

@ObjectType({
  description:
    'A container image as a reference names it. Reference fields cost nothing; `digest`, `mediaType` and the manifest fields fetch the manifest once per request.',
})
export class Image {
  @Field(() => String, {
    description:
      'The reference in canonical form: `registry/repository[:tag][@digest]` (`alpine` → `index.docker.io/library/alpine:latest`).',
  })
  ref!: string;

  @Field(() => String, { description: 'Registry host, normalised (`docker.io` → `index.docker.io`).' })
  registry!: string;

  @Field(() => String, { description: 'Repository path (`library/` added for official Docker Hub images).' })
  repository!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The tag, when the reference has one (`latest` when it has neither tag nor digest).',
  })
  tag?: string;

  /** The parsed reference the field resolvers work from. Not a GraphQL field. */
  reference!: ImageReference;

  static from(reference: ImageReference): Image {
    return Object.assign(new Image(), {
      ref: reference.toString(),
      registry: reference.registry,
      repository: reference.repository,
      tag: reference.tag,
      reference,
    });
  }
}
