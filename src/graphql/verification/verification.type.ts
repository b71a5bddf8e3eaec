import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import type { VerificationOutcome } from '../../services/verification-service.js';
import { describeSignature } from '../../services/signature-views.js';
import type { SignatureVerification as SignatureVerificationResult } from '../../verification/types.js';
import { Signature, SignerIdentity } from '../signature/index.js';

export enum VerificationStatus {
  VERIFIED = 'VERIFIED',
  VERIFIED_VIA_INDEX = 'VERIFIED_VIA_INDEX',
  UNSIGNED = 'UNSIGNED',
  FAILED = 'FAILED',
}
registerEnumType(VerificationStatus, {
  name: 'VerificationStatus',
  valuesConfig: {
    VERIFIED: {
      description: 'At least one signature of this manifest passed the cryptography and the policy.',
    },
    VERIFIED_VIA_INDEX: {
      description:
        'No signature of its own verified, but it was reached through an image index whose signature verified; the index digest covers this digest (see inheritedFrom).',
    },
    UNSIGNED: { description: 'No signatures found (cosign: "no signatures found").' },
    FAILED: { description: 'Signatures exist (or could not be read) and none verified under this policy.' },
  },
});

@ObjectType({ description: 'Why something did not verify: a stable code and cosign’s wording.' })
export class VerificationError {
  @Field(() => String, {
    description: 'Stable code (`NO_SIGNATURES`, `ISSUER_MISMATCH`, `IDENTITY_MISMATCH`, …).',
  })
  code!: string;

  @Field(() => String, {
    description: 'Message as cosign prints it, e.g. `expected issuer value "X", got "Y"`.',
  })
  message!: string;
}

@ObjectType({
  description:
    'A trust root a signature verified under: the name the service configures it by, and the `sha256:` of its `trusted_root.json` content (changes with every rotation).',
})
export class TrustRootRef {
  @Field(() => String, { description: 'Configured name: `public-good`, `github`, a private root’s name.' })
  name!: string;

  @Field(() => String, { description: '`sha256:` of the canonical JSON of the root in force.' })
  id!: string;
}

@ObjectType({ description: 'The outcome for one signature.' })
export class SignatureVerification {
  @Field(() => Boolean, { description: 'True only if the cryptography AND the policy passed.' })
  verified!: boolean;

  @Field(() => [VerificationError])
  errors!: VerificationError[];

  @Field(() => Signature, { nullable: true, description: 'Null for an entry that could not even be read.' })
  signature?: Signature;

  @Field(() => SignerIdentity, { nullable: true })
  identity?: SignerIdentity;

  @Field(() => TrustRootRef, {
    nullable: true,
    description: 'The trust root this signature verified under; null unless `verified`.',
  })
  trustRoot?: TrustRootRef;

  static from(result: SignatureVerificationResult): SignatureVerification {
    return Object.assign(new SignatureVerification(), {
      verified: result.verified,
      errors: result.errors.map((e) => Object.assign(new VerificationError(), e)),
      signature:
        result.signature === undefined ? undefined : Signature.from(describeSignature(result.signature)),
      identity: result.identity === undefined ? undefined : SignerIdentity.from(result.identity),
      trustRoot:
        result.trustRoot === undefined ? undefined : Object.assign(new TrustRootRef(), result.trustRoot),
    });
  }
}

@ObjectType({
  description:
    'Whether a manifest is signed by whom the policy trusts, every signature’s outcome, and the identities found — enough to write the right policy from one answer.',
})
export class Verification {
  @Field(() => String, { description: 'The manifest digest verified.' })
  digest!: string;

  @Field(() => Boolean)
  verified!: boolean;

  @Field(() => VerificationStatus)
  status!: VerificationStatus;

  @Field(() => [VerificationError])
  errors!: VerificationError[];

  /** The service outcome behind this object. Not a GraphQL field. */
  outcome!: VerificationOutcome;

  /** Built only when asked for (see {@link SignatureVerification.signature}). */
  @Field(() => [SignatureVerification])
  get signatures(): SignatureVerification[] {
    return this.outcome.signatures.map((s) => SignatureVerification.from(s));
  }

  @Field(() => String, {
    nullable: true,
    description: 'The index digest whose signature covers this manifest (VERIFIED_VIA_INDEX).',
  })
  inheritedFrom?: string;

  @Field(() => TrustRootRef, {
    nullable: true,
    description:
      'The trust root the verdict rests on: that of the first verified signature (for VERIFIED_VIA_INDEX, the index’s). Null unless verified.',
  })
  get trustRoot(): TrustRootRef | undefined {
    const ref = this.outcome.signatures.find((s) => s.verified && s.trustRoot !== undefined)?.trustRoot;
    return ref === undefined ? undefined : Object.assign(new TrustRootRef(), ref);
  }

  @Field(() => String, {
    nullable: true,
    description:
      "For an UNSIGNED manifest that a signed index is known to list (or, with `findSignedIndex`, one found among the repository's tags): which index to verify instead.",
  })
  hint?: string;

  @Field(() => Boolean, {
    description: 'True when this verdict was reused from the cache rather than computed now.',
  })
  cached!: boolean;

  @Field(() => GraphQLDateTime, {
    description: 'When the verdict was computed (by an earlier request, if cached).',
  })
  checkedAt!: Date;

  static from(outcome: VerificationOutcome): Verification {
    return Object.assign(new Verification(), {
      digest: outcome.digest,
      verified: outcome.verified,
      status: VerificationStatus[outcome.status],
      errors: outcome.errors.map((e) => Object.assign(new VerificationError(), e)),
      inheritedFrom: outcome.inheritedFrom,
      hint: outcome.hint,
      cached: outcome.cached,
      checkedAt: outcome.checkedAt,
      outcome,
    });
  }
}
