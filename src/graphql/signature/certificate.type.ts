import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import type { CertificateDescription } from '../../verification/index.js';
import type { CertificateView } from '../../services/signature-views.js';

@ObjectType({
  description:
    'An X.509 certificate as found with a signature (Fulcio extensions decoded). Being shown here does not mean it was trusted: see Verification.',
})
export class Certificate {
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

  static from(view: CertificateDescription & { chain?: readonly CertificateDescription[] }): Certificate {
    return Object.assign(new Certificate(), {
      subjectAlternativeName: view.subjectAlternativeName,
      issuer: view.issuer,
      githubWorkflowRepository: view.githubWorkflowRepository,
      githubWorkflowRef: view.githubWorkflowRef,
      githubWorkflowTrigger: view.githubWorkflowTrigger,
      githubWorkflowSha: view.githubWorkflowSha,
      githubWorkflowName: view.githubWorkflowName,
      serialNumber: view.serialNumber,
      notBefore: view.notBefore,
      notAfter: view.notAfter,
      issuerName: view.issuerName,
      pem: view.pem,
      chain: (view.chain ?? []).map((c) => Certificate.from(c)),
    });
  }

  static fromView(view: CertificateView): Certificate {
    return Certificate.from(view);
  }
}
