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

  @Field(() => String, {
    nullable: true,
    description:
      'GitHub Workflow Repository, e.g. `o/r` (Fulcio extension 1.3.6.1.4.1.57264.1.5, deprecated by Fulcio for `sourceRepositoryUri`).',
  })
  githubWorkflowRepository?: string;

  @Field(() => String, {
    nullable: true,
    description: 'GitHub Workflow Ref (extension .1.6, deprecated for `sourceRepositoryRef`).',
  })
  githubWorkflowRef?: string;

  @Field(() => String, {
    nullable: true,
    description: 'GitHub Workflow Trigger (extension .1.2, deprecated for `buildTrigger`).',
  })
  githubWorkflowTrigger?: string;

  @Field(() => String, {
    nullable: true,
    description: 'GitHub Workflow SHA (extension .1.3, deprecated for `sourceRepositoryDigest`).',
  })
  githubWorkflowSha?: string;

  @Field(() => String, {
    nullable: true,
    description: 'GitHub Workflow Name (extension .1.4, deprecated).',
  })
  githubWorkflowName?: string;

  // Fulcio's provider-generic claims (1.3.6.1.4.1.57264.1.9–.24, DER strings), what
  // `gh attestation verify` checks. Present on certificates Fulcio issued to CI workloads.
  @Field(() => String, {
    nullable: true,
    description:
      'Build Signer URI: the build instructions that signed, e.g. a (reusable) workflow `https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1`. Fulcio extension 1.3.6.1.4.1.57264.1.9.',
  })
  buildSignerUri?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Build Signer Digest: immutable reference (commit SHA) of the signing build instructions. Fulcio extension 1.3.6.1.4.1.57264.1.10.',
  })
  buildSignerDigest?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Runner Environment: `github-hosted` or `self-hosted` on GitHub Actions (`[platform]-hosted` elsewhere). Fulcio extension 1.3.6.1.4.1.57264.1.11.',
  })
  runnerEnvironment?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Source Repository URI the build was based on, e.g. `https://github.com/o/r`. Fulcio extension 1.3.6.1.4.1.57264.1.12.',
  })
  sourceRepositoryUri?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Source Repository Digest: the commit the build was based on. Fulcio extension 1.3.6.1.4.1.57264.1.13.',
  })
  sourceRepositoryDigest?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Source Repository Ref the build ran on, e.g. `refs/tags/v1.2.3` or `refs/heads/main`. Fulcio extension 1.3.6.1.4.1.57264.1.14.',
  })
  sourceRepositoryRef?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Source Repository Identifier: immutable id of the repository (GitHub: its numeric id). Fulcio extension 1.3.6.1.4.1.57264.1.15.',
  })
  sourceRepositoryIdentifier?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Source Repository Owner URI, e.g. `https://github.com/o`. Fulcio extension 1.3.6.1.4.1.57264.1.16.',
  })
  sourceRepositoryOwnerUri?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Source Repository Owner Identifier: immutable id of the owner (GitHub: its numeric id). Fulcio extension 1.3.6.1.4.1.57264.1.17.',
  })
  sourceRepositoryOwnerIdentifier?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Build Config URI: the top-level build instructions, e.g. the calling workflow file at its ref. Fulcio extension 1.3.6.1.4.1.57264.1.18.',
  })
  buildConfigUri?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Build Config Digest: immutable reference (commit SHA) of the top-level build instructions. Fulcio extension 1.3.6.1.4.1.57264.1.19.',
  })
  buildConfigDigest?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Build Trigger: the event that started the build, e.g. `push`, `workflow_dispatch`. Fulcio extension 1.3.6.1.4.1.57264.1.20.',
  })
  buildTrigger?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Run Invocation URI: this build run, e.g. `https://github.com/o/r/actions/runs/1/attempts/1`. Fulcio extension 1.3.6.1.4.1.57264.1.21.',
  })
  runInvocationUri?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Source Repository Visibility At Signing: `public`, `private` or `internal`. Fulcio extension 1.3.6.1.4.1.57264.1.22.',
  })
  sourceRepositoryVisibilityAtSigning?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Deployment Environment of the job, e.g. `production` (empty when none). Fulcio extension 1.3.6.1.4.1.57264.1.23.',
  })
  deploymentEnvironment?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Token Subject: the `sub` claim of the OIDC token, e.g. `repo:o/r:ref:refs/heads/main` (newer Fulcio). Fulcio extension 1.3.6.1.4.1.57264.1.24.',
  })
  tokenSubject?: string;

  static from(identity: Identity): SignerIdentity {
    return Object.assign(new SignerIdentity(), identity);
  }
}
