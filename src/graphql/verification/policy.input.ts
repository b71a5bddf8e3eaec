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
    'A verification policy: the flags of `cosign verify`, field for field (`--certificate-identity` → `certificateIdentity`, …), and of `gh attestation verify` (`--repo` → `repo`, …) with conditions on every Fulcio provenance claim. Keyless needs an identity (or `signerWorkflow`, `signerRepo`, `repo`, `owner`) and an issuer constraint; key-based needs `key`. Every condition given must hold; failures list all of them.',
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

  // Fulcio's provenance claims (1.3.6.1.4.1.57264.1.9–.24) and the `gh attestation verify` flags
  // that expand to them; docs/attestation-policy.md maps every flag.
  @Field(() => String, {
    nullable: true,
    description:
      'Exact, case-sensitive `buildSignerUri` claim (Fulcio .1.9). Failure: `expected <Name> to be X, got Y` (CERTIFICATE_CLAIM_MISMATCH).',
  })
  buildSignerUri?: string;

  @Field(() => String, {
    nullable: true,
    description: 'RE2 regexp on the `buildSignerUri` claim, unanchored like cosign (use ^\u2026$).',
  })
  buildSignerUriRegexp?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Exact, case-sensitive `buildSignerDigest` claim (Fulcio .1.10). Failure: `expected <Name> to be X, got Y` (CERTIFICATE_CLAIM_MISMATCH).',
  })
  buildSignerDigest?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Exact, case-sensitive `runnerEnvironment` claim (Fulcio .1.11). Failure: `expected <Name> to be X, got Y` (CERTIFICATE_CLAIM_MISMATCH).',
  })
  runnerEnvironment?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Exact, case-sensitive `sourceRepositoryUri` claim (Fulcio .1.12). Failure: `expected <Name> to be X, got Y` (CERTIFICATE_CLAIM_MISMATCH).',
  })
  sourceRepositoryUri?: string;

  @Field(() => String, {
    nullable: true,
    description: 'RE2 regexp on the `sourceRepositoryUri` claim, unanchored like cosign (use ^\u2026$).',
  })
  sourceRepositoryUriRegexp?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Exact, case-sensitive `sourceRepositoryDigest` claim (Fulcio .1.13). Failure: `expected <Name> to be X, got Y` (CERTIFICATE_CLAIM_MISMATCH).',
  })
  sourceRepositoryDigest?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Exact, case-sensitive `sourceRepositoryRef` claim (Fulcio .1.14). Failure: `expected <Name> to be X, got Y` (CERTIFICATE_CLAIM_MISMATCH).',
  })
  sourceRepositoryRef?: string;

  @Field(() => String, {
    nullable: true,
    description: 'RE2 regexp on the `sourceRepositoryRef` claim, unanchored like cosign (use ^\u2026$).',
  })
  sourceRepositoryRefRegexp?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Exact, case-sensitive `sourceRepositoryIdentifier` claim (Fulcio .1.15). Failure: `expected <Name> to be X, got Y` (CERTIFICATE_CLAIM_MISMATCH).',
  })
  sourceRepositoryIdentifier?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Exact, case-sensitive `sourceRepositoryOwnerUri` claim (Fulcio .1.16). Failure: `expected <Name> to be X, got Y` (CERTIFICATE_CLAIM_MISMATCH).',
  })
  sourceRepositoryOwnerUri?: string;

  @Field(() => String, {
    nullable: true,
    description: 'RE2 regexp on the `sourceRepositoryOwnerUri` claim, unanchored like cosign (use ^\u2026$).',
  })
  sourceRepositoryOwnerUriRegexp?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Exact, case-sensitive `sourceRepositoryOwnerIdentifier` claim (Fulcio .1.17). Failure: `expected <Name> to be X, got Y` (CERTIFICATE_CLAIM_MISMATCH).',
  })
  sourceRepositoryOwnerIdentifier?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Exact, case-sensitive `buildConfigUri` claim (Fulcio .1.18). Failure: `expected <Name> to be X, got Y` (CERTIFICATE_CLAIM_MISMATCH).',
  })
  buildConfigUri?: string;

  @Field(() => String, {
    nullable: true,
    description: 'RE2 regexp on the `buildConfigUri` claim, unanchored like cosign (use ^\u2026$).',
  })
  buildConfigUriRegexp?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Exact, case-sensitive `buildConfigDigest` claim (Fulcio .1.19). Failure: `expected <Name> to be X, got Y` (CERTIFICATE_CLAIM_MISMATCH).',
  })
  buildConfigDigest?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Exact, case-sensitive `buildTrigger` claim (Fulcio .1.20). Failure: `expected <Name> to be X, got Y` (CERTIFICATE_CLAIM_MISMATCH).',
  })
  buildTrigger?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Exact, case-sensitive `runInvocationUri` claim (Fulcio .1.21). Failure: `expected <Name> to be X, got Y` (CERTIFICATE_CLAIM_MISMATCH).',
  })
  runInvocationUri?: string;

  @Field(() => String, {
    nullable: true,
    description: 'RE2 regexp on the `runInvocationUri` claim, unanchored like cosign (use ^\u2026$).',
  })
  runInvocationUriRegexp?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Exact, case-sensitive `sourceRepositoryVisibilityAtSigning` claim (Fulcio .1.22). Failure: `expected <Name> to be X, got Y` (CERTIFICATE_CLAIM_MISMATCH).',
  })
  sourceRepositoryVisibilityAtSigning?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Exact, case-sensitive `deploymentEnvironment` claim (Fulcio .1.23). Failure: `expected <Name> to be X, got Y` (CERTIFICATE_CLAIM_MISMATCH).',
  })
  deploymentEnvironment?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Exact, case-sensitive `tokenSubject` claim (Fulcio .1.24). Failure: `expected <Name> to be X, got Y` (CERTIFICATE_CLAIM_MISMATCH).',
  })
  tokenSubject?: string;

  @Field(() => String, {
    nullable: true,
    description: 'RE2 regexp on the `tokenSubject` claim, unanchored like cosign (use ^\u2026$).',
  })
  tokenSubjectRegexp?: string;

  @Field(() => String, {
    nullable: true,
    description:
      "`gh attestation verify --owner`: `sourceRepositoryOwnerUri` must be `https://github.com/<owner>` (case-insensitive, as gh). Without another signer condition, the SAN must also be a workflow of that owner (gh's default).",
  })
  owner?: string;

  @Field(() => String, {
    nullable: true,
    description:
      '`gh attestation verify --repo owner/name`: `sourceRepositoryUri` must be `https://github.com/owner/name` and the owner as for `owner` (case-insensitive). Without another signer condition, the SAN must be a workflow of that repository.',
  })
  repo?: string;

  @Field(() => String, {
    nullable: true,
    description:
      '`--signer-repo owner/name`: the SAN must match `(?i)^https://github\\.com/owner/name/` (the signing, possibly reusable, workflow lives there).',
  })
  signerRepo?: string;

  @Field(() => String, {
    nullable: true,
    description:
      '`--signer-workflow [host/]owner/name/.github/workflows/x.yml[@ref]`: the SAN must be that workflow (any ref unless one is given); host defaults to github.com.',
  })
  signerWorkflow?: string;

  @Field(() => String, {
    nullable: true,
    description:
      '`--source-ref`: `sourceRepositoryRef`, compared case-insensitively as gh (`expected SourceRepositoryRef to be X, got Y`).',
  })
  sourceRef?: string;

  @Field(() => String, {
    nullable: true,
    description: '`--source-digest`: `sourceRepositoryDigest`, case-insensitive as gh.',
  })
  sourceDigest?: string;

  @Field(() => String, {
    nullable: true,
    description: '`--signer-digest`: `buildSignerDigest`, case-insensitive as gh.',
  })
  signerDigest?: string;

  @Field(() => Boolean, {
    nullable: true,
    description: '`--deny-self-hosted-runners`: `runnerEnvironment` must be `github-hosted`.',
  })
  denySelfHostedRunners?: boolean;

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

  @Field(() => [String], {
    nullable: true,
    description:
      'Names of the trust roots a signature may verify under, tried in order (`"github"` or `["public-good", "github"]`; a single name is a list of one). Default: the service\'s default root (`public-good` unless a private root replaces it), so policies without this field mean what they always meant. Configured roots: docs/trust-roots.md; an unknown name is INVALID_POLICY.',
  })
  trustRoot?: string[];
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
