import { Field, InputType } from 'type-graphql';
import { validatePolicy } from '../../verification/index.js';
import type { Policy } from '../../verification/types.js';

@InputType({ description: 'A required signed annotation (cosign `-a key=value`).' })
export class AnnotationInput {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  value!: string;
}

@InputType({
  description:
    'A verification policy: the flags of `cosign verify`, field for field (`--certificate-identity` → `certificateIdentity`, …). Keyless needs an identity and an issuer constraint; key-based needs `key`.',
})
export class PolicyInput implements Policy {
  @Field(() => String, { nullable: true, description: 'Exact SAN (`--certificate-identity`).' })
  certificateIdentity?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'RE2 regexp on the SAN (`--certificate-identity-regexp`), unanchored like cosign: use ^…$ to anchor.',
  })
  certificateIdentityRegexp?: string;

  @Field(() => String, { nullable: true, description: 'Exact OIDC issuer (`--certificate-oidc-issuer`).' })
  certificateOidcIssuer?: string;

  @Field(() => String, {
    nullable: true,
    description: 'RE2 regexp on the issuer (`--certificate-oidc-issuer-regexp`).',
  })
  certificateOidcIssuerRegexp?: string;

  @Field(() => String, { nullable: true, description: '`--certificate-github-workflow-repository`' })
  githubWorkflowRepository?: string;

  @Field(() => String, { nullable: true, description: '`--certificate-github-workflow-ref`' })
  githubWorkflowRef?: string;

  @Field(() => String, { nullable: true, description: '`--certificate-github-workflow-trigger`' })
  githubWorkflowTrigger?: string;

  @Field(() => String, { nullable: true, description: '`--certificate-github-workflow-sha`' })
  githubWorkflowSha?: string;

  @Field(() => String, { nullable: true, description: '`--certificate-github-workflow-name`' })
  githubWorkflowName?: string;

  @Field(() => String, { nullable: true, description: 'PEM public key (`--key`): key-based verification.' })
  key?: string;

  @Field(() => [AnnotationInput], {
    nullable: true,
    description: 'Required signed annotations (`-a key=value`).',
  })
  annotations?: AnnotationInput[];

  @Field(() => Boolean, {
    nullable: true,
    description: '`--insecure-ignore-tlog`: accept signatures without a transparency-log entry.',
  })
  ignoreTlog?: boolean;

  @Field(() => Boolean, {
    nullable: true,
    description: '`--insecure-ignore-sct`: do not require an embedded SCT.',
  })
  ignoreSct?: boolean;
}

/**
 * GraphQL input → the service's validated `Policy`, dropping nulls (GraphQL sends `null` for unset
 * fields). Validated here, before any registry request: a policy mistake (INVALID_POLICY) should cost
 * the caller nothing and the registries nothing.
 */
export function toPolicy(input: PolicyInput): Policy {
  return validatePolicy(withoutNulls(input));
}

function withoutNulls(input: PolicyInput): Policy {
  const policy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === null || value === undefined) continue;
    policy[key] =
      key === 'annotations'
        ? (value as AnnotationInput[]).map((a) => ({ key: a.key, value: a.value }))
        : value;
  }
  return policy as Policy;
}
