import { Field, ObjectType } from 'type-graphql';

/** GraphQL has no map type: annotations are rendered as a key-sorted list of pairs. */
@ObjectType({ description: 'One OCI annotation (key/value) of a manifest or descriptor.' })
export class Annotation {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  value!: string;

  static listFrom(annotations: Readonly<Record<string, string>>): Annotation[] {
    return Object.keys(annotations)
      .sort()
      .map((key) => Object.assign(new Annotation(), { key, value: annotations[key] ?? '' }));
  }
}
