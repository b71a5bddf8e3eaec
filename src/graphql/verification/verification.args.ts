import { ArgsType, Field } from 'type-graphql';
import type { VerifyOptions } from '../../services/verification-service.js';
import type { Policy } from '../../verification/types.js';
import { PolicyInput, toPolicy } from './policy.input.js';

const FIND_SIGNED_INDEX_DESCRIPTION =
  'When the manifest is UNSIGNED and no signed index listing it is known to the service, look through up to ' +
  "N of the repository's tags (IMPRIMATUR_HINT_SCAN_MAX_TAGS, default 50) for a signed image index that lists it, " +
  'and name it in `hint`. May cost up to N+1 registry requests per call (plus the signature look-up of an index ' +
  'that lists the manifest). Never changes `status`; registry trouble during the scan only means no hint.';

/** The arguments of every `verification` field: one definition, so Image and PlatformManifest agree. */
@ArgsType()
export class VerificationArgs {
  @Field(() => PolicyInput)
  policy!: PolicyInput;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: FIND_SIGNED_INDEX_DESCRIPTION })
  findSignedIndex?: boolean | null;
}

/** The validated policy (INVALID_POLICY before any registry request) and the service options. */
export function verificationRequest(args: VerificationArgs): { policy: Policy; options: VerifyOptions } {
  return { policy: toPolicy(args.policy), options: { scanTags: args.findSignedIndex === true } };
}
