import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { SignerIdentity } from './signer-identity.type.js';
import type { CertificateDescription } from '../../verification/index.js';

@ObjectType({
  description:
    'An X.509 certificate as found with a signature (Fulcio extensions decoded). Being shown here does not mean it was trusted: see Verification.',
})
export class Certificate extends SignerIdentity {
  @Field(() => String, { description: 'Serial number, uppercase hex.' })
  serialNumber!: string;

  @Field(() => GraphQLDateTime)
  notBefore!: Date;

  @Field(() => GraphQLDateTime)
  notAfter!: Date;

  @Field(() => String, { description: 'Distinguished name of the issuing CA.' })
  issuerName!: string;

  @Field(() => String)
  pem!: string;

  @Field(() => [Certificate], { description: 'Intermediates and root that came with the leaf, as stored.' })
  chain!: Certificate[];

  /** A certificate (and the chain stored with it) as a GraphQL object. */
  static fromView(view: CertificateDescription & { chain?: readonly CertificateDescription[] }): Certificate {
    return Object.assign(new Certificate(), view, {
      chain: (view.chain ?? []).map((c) => Certificate.fromView(c)),
    });
  }
}
