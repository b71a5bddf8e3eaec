import { Field, ObjectType } from 'type-graphql';
import type { SignerIdentity as Identity } from '../../verification/types.js';

/**
 * The identity fields a Fulcio certificate carries. Its own type (reported on each signature's
 * verification) and the base of `Certificate`, so the two can never describe a signer differently.
 */
@ObjectType({
  description: 'Who signed, as the signing certificate says (reported even when the policy rejected it).',
})
export class SignerIdentity {
  @Field(() => String, { nullable: true, description: 'First SAN: the signer identity (URI or email).' })
  subjectAlternativeName?: string;

  @Field(() => String, {
    nullable: true,
    description: 'OIDC issuer (Fulcio extension 1.3.6.1.4.1.57264.1.8 or .1.1).',
  })
  issuer?: string;

  @Field(() => String, { nullable: true })
  githubWorkflowRepository?: string;

  @Field(() => String, { nullable: true })
  githubWorkflowRef?: string;

  @Field(() => String, { nullable: true })
  githubWorkflowTrigger?: string;

  @Field(() => String, { nullable: true })
  githubWorkflowSha?: string;

  @Field(() => String, { nullable: true })
  githubWorkflowName?: string;

  static from(identity: Identity): SignerIdentity {
    return Object.assign(new SignerIdentity(), identity);
  }
}
