import { ArgsType, Field } from 'type-graphql';
import {
  compileConditions,
  CONDITION_EVALUATION_TIMEOUT_MS,
  MAX_CONDITION_LENGTH,
  MAX_CONDITIONS,
} from '../../attestations/conditions/index.js';
import type { Policy } from '../../verification/types.js';
import { PolicyInput, toPolicy } from '../verification/policy.input.js';

export const PREDICATE_TYPE_DESCRIPTION =
  'cosign `--type`: a short name (`custom`, `slsaprovenance`, `slsaprovenance02`, `slsaprovenance1`, `link`, ' +
  '`spdx`, `spdxjson`, `cyclonedx`, `vuln`, `openvex`) or a predicate type URI, compared exactly.';

@ArgsType()
export class AttestationsArgs {
  @Field(() => String, {
    nullable: true,
    description: `Only attestations of this type. ${PREDICATE_TYPE_DESCRIPTION}`,
  })
  predicateType?: string | null;
}

/** The arguments of every `attestationVerification` field, shared by Image and PlatformManifest. */
@ArgsType()
export class AttestationVerificationArgs {
  @Field(() => PolicyInput)
  policy!: PolicyInput;

  @Field(() => String, { description: PREDICATE_TYPE_DESCRIPTION })
  predicateType!: string;

  @Field(() => [String], {
    nullable: true,
    description:
      'CEL expressions over the verified statement (variables `statement`, `predicate`, `predicateType`, ' +
      '`subject`), each of which must be true for an attestation to count, e.g. ' +
      '`predicate.buildDefinition.externalParameters.workflow.ref == "refs/heads/main"`. Evaluated only ' +
      'after signature, subject and predicate type pass; each failing one is a CONDITION_FAILED error ' +
      `naming it. At most ${MAX_CONDITIONS}, each at most ${MAX_CONDITION_LENGTH} characters; no ` +
      "comprehension inside another's body, and a comprehension's body uses only its own variables. " +
      'Type-checked (`predicateType` is a string, `subject` a list, JSON values dyn): a result that is ' +
      'not a bool, or an operator or function with no overload for its types, is INVALID_POLICY, as is ' +
      'any other bad expression or a `matches()` pattern that is not a string literal within the policy ' +
      'regexp caps. Evaluation stops after ' +
      `${CONDITION_EVALUATION_TIMEOUT_MS} ms (CONDITION_NOT_EVALUATED naming the expression; such a verdict is not cached). See docs/attestations.md.`,
  })
  conditions?: string[] | null;
}

/** The validated policy and conditions (INVALID_POLICY before any registry request). */
export function attestationPolicy(args: AttestationVerificationArgs): Policy {
  const policy = toPolicy(args.policy);
  compileConditions(args.conditions ?? []);
  return policy;
}
