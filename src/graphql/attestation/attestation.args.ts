import { ArgsType, Field } from 'type-graphql';
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
}

/** The validated policy (INVALID_POLICY before any registry request). */
export function attestationPolicy(args: AttestationVerificationArgs): Policy {
  return toPolicy(args.policy);
}
